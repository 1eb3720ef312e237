package io.rampart.s3;

import io.rampart.crypto.CustomerKeys;
import io.rampart.crypto.EncryptedStream;
import io.rampart.crypto.MasterKey;
import io.rampart.kms.Caller;
import io.rampart.kms.KmsException;
import io.rampart.kms.SseKms;
import io.rampart.storage.Bucket;
import io.rampart.storage.Encryption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Server-side encryption as S3 speaks it: SSE-S3 for every object by default, SSE-C when the request carries a customer
 * key, and the bucket's BlockedEncryptionTypes. Each version gets a random data key; only its sealed form is stored.
 */
final class Sse {
    static final String SSE_C_PREFIX = "x-amz-server-side-encryption-customer-";
    static final String COPY_SOURCE_SSE_C_PREFIX = "x-amz-copy-source-server-side-encryption-customer-";
    private static final String SEAL_CONTEXT = "rampart-sse-s3-data-key";

    /** A customer key from the request, valid for this request only; {@code md5} is echoed back as S3 does. */
    record CustomerKey(byte[] key, String md5) {
        @Override
        public String toString() {
            return "CustomerKey[md5=" + md5 + "]";
        }
    }

    /** A data key ready for use together with the envelope to store. */
    record DataKey(byte[] key, Encryption envelope) {}

    static final String KMS_KEY_ID = "x-amz-server-side-encryption-aws-kms-key-id";
    static final String KMS_CONTEXT = "x-amz-server-side-encryption-context";
    static final String BUCKET_KEY = "x-amz-server-side-encryption-bucket-key-enabled";

    private final MasterKey masterKey;
    /** SSE-S3 data keys recently opened (a GET of the same object then costs no unsealing): bounded, memory only. */
    private final io.rampart.crypto.UnsealedKeys unsealed = new io.rampart.crypto.UnsealedKeys(4096);

    private final boolean allowSseCOverHttp;
    /** The key service for SSE-KMS (null: SSE-KMS requests are answered 501, as before there was one). */
    private volatile SseKms kms;

    Sse(MasterKey masterKey, boolean allowSseCOverHttp) {
        this.masterKey = masterKey;
        this.allowSseCOverHttp = allowSseCOverHttp;
    }

    /** Serves SSE-KMS through this key service. */
    void kms(SseKms k) {
        this.kms = k;
    }

    /** Parses and checks the SSE-C headers with the given prefix; empty when none are present. */
    Optional<CustomerKey> customerKey(S3Call call, String prefix) {
        Optional<String> algorithm = call.header(prefix + "algorithm");
        Optional<String> key = call.header(prefix + "key");
        Optional<String> md5 = call.header(prefix + "key-md5");
        if (algorithm.isEmpty() && key.isEmpty() && md5.isEmpty()) return Optional.empty();
        if (algorithm.isEmpty()) {
            throw invalidArgument(
                    "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.",
                    prefix + "algorithm",
                    null);
        }
        if (!"AES256".equals(algorithm.get())) {
            throw new S3Exception(S3ErrorCode.INVALID_ENCRYPTION_ALGORITHM)
                    .with("ArgumentName", prefix + "algorithm")
                    .with("ArgumentValue", algorithm.get());
        }
        if (key.isEmpty()) {
            throw invalidArgument(
                    "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.",
                    prefix + "key",
                    null);
        }
        if (md5.isEmpty()) {
            throw invalidArgument(
                    "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.",
                    prefix + "key-MD5",
                    null);
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(key.get().trim());
        } catch (IllegalArgumentException e) {
            throw invalidArgument("The secret key was invalid for the specified algorithm.", prefix + "key", null);
        }
        if (raw.length != 32) {
            Arrays.fill(raw, (byte) 0);
            throw invalidArgument("The secret key was invalid for the specified algorithm.", prefix + "key", null);
        }
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(md5.get().trim());
        } catch (IllegalArgumentException e) {
            expected = new byte[0];
        }
        if (!MessageDigest.isEqual(StoredData.newMd5().digest(raw), expected)) {
            Arrays.fill(raw, (byte) 0);
            throw invalidArgument(
                    "The calculated MD5 hash of the key did not match the hash that was provided.",
                    prefix + "key-MD5",
                    null);
        }
        if (!call.secure() && !allowSseCOverHttp) {
            Arrays.fill(raw, (byte) 0);
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.");
        }
        return Optional.of(new CustomerKey(raw, md5.get().trim()));
    }

    private static S3Exception invalidArgument(String message, String name, String value) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, message)
                .with("ArgumentName", name)
                .with("ArgumentValue", value);
    }

    /** x-amz-server-side-encryption on a write: only AES256 (SSE-S3) is offered; SSE-C and it are exclusive. */
    void checkRequestedAlgorithm(S3Call call, Optional<CustomerKey> customer) {
        Optional<String> sse = call.header("x-amz-server-side-encryption");
        if (sse.isEmpty()) return;
        if (customer.isPresent()) {
            throw invalidArgument(
                    "Server Side Encryption with Customer provided key is incompatible with the encryption method specified",
                    "x-amz-server-side-encryption",
                    sse.get());
        }
        switch (sse.get()) {
            case "AES256" -> {}
            case "aws:kms" -> {
                if (kms == null) {
                    throw new S3Exception(
                                    S3ErrorCode.NOT_IMPLEMENTED,
                                    "SSE-KMS is not available on this server; use AES256 (SSE-S3) or SSE-C")
                            .with("Header", "x-amz-server-side-encryption");
                }
            }
            case "aws:kms:dsse" ->
                throw new S3Exception(
                                S3ErrorCode.NOT_IMPLEMENTED,
                                "DSSE-KMS is not available on this server; use aws:kms (SSE-KMS), AES256 (SSE-S3) or SSE-C")
                        .with("Header", "x-amz-server-side-encryption");
            default ->
                throw invalidArgument(
                        "The encryption method specified is not supported", "x-amz-server-side-encryption", sse.get());
        }
    }

    /**
     * Refuses an SSE-C write into a bucket whose default encryption blocks SSE-C. S3 answers a plain 403 AccessDenied
     * to any write carrying SSE-C headers, before it looks at the key material: check this before {@link #customerKey}.
     */
    static void checkNotBlocked(Bucket bucket, S3Call call) {
        boolean sseC = call.header(SSE_C_PREFIX + "algorithm").isPresent()
                || call.header(SSE_C_PREFIX + "key").isPresent()
                || call.header(SSE_C_PREFIX + "key-md5").isPresent();
        if (sseC && BucketSettings.of(bucket).blocksSseC()) throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
    }

    /** A new random data key, sealed for the customer key when given, else for the master key. */
    DataKey newDataKey(Optional<CustomerKey> customer) {
        return seal(EncryptedStream.newDataKey(), customer);
    }

    /**
     * A new random data key for an object write: sealed for the customer key (SSE-C), wrapped by a KMS key when the
     * request or the bucket's default encryption asks for aws:kms (SSE-KMS, as the caller), else for the master key.
     */
    DataKey newDataKey(S3Call call, Bucket bucket, String key, Optional<CustomerKey> customer) {
        return seal(EncryptedStream.newDataKey(), customer, call, bucket, key);
    }

    /** {@link #seal(byte[], Optional)} for a write of {@code bucket/key}, SSE-KMS included (see {@link #newDataKey}). */
    DataKey seal(byte[] dataKey, Optional<CustomerKey> customer, S3Call call, Bucket bucket, String key) {
        Optional<SseKms.Request> kmsRequest = customer.isPresent() ? Optional.empty() : kmsRequest(call, bucket);
        if (kmsRequest.isEmpty()) return seal(dataKey, customer);
        try {
            SseKms.Wrapped w = kms.wrap(caller(call), bucket.name(), key, dataKey, kmsRequest.get());
            return new DataKey(
                    dataKey,
                    new Encryption(
                            Encryption.SSE_KMS, w.blob(), null, null, w.keyArn(), w.context(), w.bucketKeySealed()));
        } catch (KmsException e) {
            throw s3Error(e);
        }
    }

    /**
     * What SSE-KMS a write asks for: x-amz-server-side-encryption aws:kms (with its key id, context and bucket-key
     * headers), or no encryption header and a bucket default of aws:kms; empty for SSE-S3.
     */
    private Optional<SseKms.Request> kmsRequest(S3Call call, Bucket bucket) {
        Optional<String> sse = call.header("x-amz-server-side-encryption");
        Optional<String> keyId = call.header(KMS_KEY_ID).map(String::trim);
        Optional<String> context = call.header(KMS_CONTEXT);
        Optional<Boolean> bucketKey = call.header(BUCKET_KEY).map(v -> v.trim().equalsIgnoreCase("true"));
        BucketSettings.DefaultEncryption d = BucketSettings.of(bucket).encryption();
        boolean defaultKms = d != null && Encryption.SSE_KMS.equals(d.algorithm());
        boolean asked = sse.map(Encryption.SSE_KMS::equals).orElse(false);
        if (!asked && (keyId.isPresent() || context.isPresent())) {
            throw invalidArgument(
                    "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
                    "x-amz-server-side-encryption",
                    null);
        }
        if (!asked && (sse.isPresent() || !defaultKms)) return Optional.empty();
        if (kms == null) {
            throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "SSE-KMS is not available on this server")
                    .with("Header", "x-amz-server-side-encryption");
        }
        if (keyId.isPresent() && keyId.get().isEmpty()) {
            throw invalidArgument("KMS key id is empty", KMS_KEY_ID, "");
        }
        if (keyId.isPresent() && keyId.get().startsWith("arn:") && !keyId.get().startsWith("arn:aws:kms:")) {
            throw invalidArgument("Invalid arn", KMS_KEY_ID, keyId.get());
        }
        Map<String, String> ctx;
        try {
            ctx = SseKms.parseContext(context.orElse(null));
        } catch (KmsException e) {
            throw invalidArgument(
                    "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map",
                    KMS_CONTEXT,
                    null);
        }
        String ref = keyId.orElse(defaultKms ? d.kmsMasterKeyId() : null);
        boolean useBucketKey = bucketKey.orElse(defaultKms && d.bucketKeyEnabled());
        return Optional.of(new SseKms.Request(ref, ctx, useBucketKey));
    }

    private static SseKms.Wrapped wrapped(Encryption e) {
        return new SseKms.Wrapped(e.sealedKey(), e.kmsKeyArn(), e.kmsContext(), e.bucketKeySealed());
    }

    /** The caller as the key service sees it. */
    private static Caller caller(S3Call call) {
        return new Caller(call.principal(), call.sourceIp(), call.secure(), java.time.Instant.now(), null);
    }

    /** A key service refusal as S3 answers it: AccessDenied, or KMS.&lt;Exception&gt; with status 400. */
    static S3Exception s3Error(KmsException e) {
        return switch (e.code()) {
            case KmsException.ACCESS_DENIED -> new S3Exception(S3ErrorCode.ACCESS_DENIED, e.getMessage());
            case KmsException.DISABLED -> new S3Exception(S3ErrorCode.KMS_DISABLED, e.getMessage());
            case KmsException.NOT_FOUND -> new S3Exception(S3ErrorCode.KMS_NOT_FOUND, e.getMessage());
            case KmsException.INVALID_STATE -> new S3Exception(S3ErrorCode.KMS_INVALID_STATE, e.getMessage());
            case KmsException.INVALID_ARN -> invalidArgument(e.getMessage(), KMS_KEY_ID, null);
            default ->
                new S3Exception(
                        S3ErrorCode.INVALID_ARGUMENT,
                        e.getMessage() == null || e.getMessage().isEmpty()
                                ? "The KMS request failed: " + e.code()
                                : e.getMessage());
        };
    }

    /** The same data key under another key-encryption key: re-encrypting an object costs no data rewrite. */
    DataKey seal(byte[] dataKey, Optional<CustomerKey> customer) {
        Base64.Encoder b64 = Base64.getEncoder();
        if (customer.isPresent()) {
            byte[] salt = CustomerKeys.newSalt();
            return new DataKey(
                    dataKey,
                    new Encryption(
                            Encryption.SSE_C,
                            b64.encodeToString(CustomerKeys.sealDataKey(
                                    dataKey, customer.get().key())),
                            b64.encodeToString(salt),
                            b64.encodeToString(
                                    CustomerKeys.keyCheck(salt, customer.get().key()))));
        }
        return new DataKey(
                dataKey,
                new Encryption(
                        Encryption.SSE_S3, b64.encodeToString(masterKey.seal(dataKey, SEAL_CONTEXT)), null, null));
    }

    /**
     * Opens a stored version's data key with what the request supplies. SSE-C objects need the right key (missing:
     * 400 InvalidRequest; wrong: 403 AccessDenied); SSE-C headers on other objects are a 400. Null for legacy plaintext.
     */
    byte[] open(Encryption e, Optional<CustomerKey> customer, S3Call call) {
        if (e != null && e.kms()) {
            if (customer.isPresent()) throw notApplicable();
            if (kms == null)
                throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "SSE-KMS is not available on this server");
            try {
                return kms.unwrap(call == null ? null : caller(call), wrapped(e));
            } catch (KmsException x) {
                throw s3Error(x);
            }
        }
        if (e == null) {
            if (customer.isPresent()) throw notApplicable();
            return null;
        }
        Base64.Decoder b64 = Base64.getDecoder();
        if (e.customerKey()) {
            if (customer.isEmpty()) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_REQUEST,
                        "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
            }
            if (!CustomerKeys.matches(
                    b64.decode(e.keySalt()),
                    b64.decode(e.keyHmac()),
                    customer.get().key())) {
                throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
            }
            return CustomerKeys.unsealDataKey(
                    b64.decode(e.sealedKey()), customer.get().key());
        }
        if (customer.isPresent()) throw notApplicable();
        return unsealed.get(e.sealedKey(), form -> masterKey.unseal(b64.decode(form), SEAL_CONTEXT));
    }

    /** Checks a customer key against an envelope without opening it (multipart parts must all use the upload's key). */
    static void requireSameKey(Encryption e, Optional<CustomerKey> customer) {
        boolean wantsKey = e != null && e.customerKey();
        if (wantsKey != customer.isPresent()) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.");
        }
        if (wantsKey
                && !CustomerKeys.matches(
                        Base64.getDecoder().decode(e.keySalt()),
                        Base64.getDecoder().decode(e.keyHmac()),
                        customer.get().key())) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "The provided encryption parameters did not match the ones used originally.");
        }
    }

    private static S3Exception notApplicable() {
        return new S3Exception(
                S3ErrorCode.INVALID_REQUEST, "The encryption parameters are not applicable to this object.");
    }

    /** The encryption headers S3 returns for a version. */
    static void responseHeaders(S3Response r, Encryption e, Optional<CustomerKey> customer) {
        if (e == null) return;
        if (e.customerKey()) {
            r.header("x-amz-server-side-encryption-customer-algorithm", "AES256");
            customer.ifPresent(c -> r.header("x-amz-server-side-encryption-customer-key-MD5", c.md5()));
        } else if (e.kms()) {
            r.header("x-amz-server-side-encryption", Encryption.SSE_KMS);
            r.header(KMS_KEY_ID, e.kmsKeyArn());
            if (e.bucketKeySealed() != null) r.header(BUCKET_KEY, "true");
        } else {
            r.header("x-amz-server-side-encryption", "AES256");
        }
    }

    /** On writes: the SSE-KMS encryption context used (base64 JSON), as S3 answers PutObject and CopyObject. */
    static void contextHeader(S3Response r, Encryption e) {
        if (e != null && e.kms() && e.kmsContext() != null) r.header(KMS_CONTEXT, e.kmsContext());
    }

    /** The ETag of an SSE-C object: random, because the MD5 of the plaintext would leak what the key protects. */
    static String opaqueEtag() {
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    /** Wipes the request's customer key once the request is done with it. */
    static void forget(Optional<CustomerKey> customer) {
        customer.ifPresent(c -> Arrays.fill(c.key(), (byte) 0));
    }
}
