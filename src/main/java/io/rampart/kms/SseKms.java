package io.rampart.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.audit.AuditTrail;
import io.rampart.audit.CloudTrailRecord;
import io.rampart.audit.RequestFacts;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * SSE-KMS for S3: an object's data key wrapped by a KMS key, on the caller's behalf (kms:ViaService
 * s3.&lt;region&gt;.amazonaws.com, the caller's own kms:GenerateDataKey / kms:Decrypt permissions), each call in the trail
 * as CloudTrail records the KMS calls S3 makes (invokedBy and sourceIPAddress s3.amazonaws.com, the encryption context
 * aws:s3:arn). With an S3 Bucket Key, one data key per bucket and KMS key is generated for a bounded time and each
 * object's data key is sealed under it, so KMS is called once per period, not per object; the caller's permission and the
 * key's state are still checked on every request, so disabling the key or revoking access takes effect at once.
 */
public final class SseKms {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long a bucket key is used for new objects, and a decrypted one kept for reads. */
    static final long BUCKET_KEY_MILLIS = 10 * 60_000L;

    private static final int MAX_CACHED = 10_000;
    private static final String S3_ARN = "aws:s3:arn";

    /** What a write asks for: the key (id, ARN, alias; null for aws/s3), the caller's context, and a bucket key. */
    public record Request(@Nullable String keyRef, @Nullable Map<String, String> context, boolean bucketKey) {}

    /**
     * An object's wrapped data key: the KMS ciphertext blob (of the data key, or of the bucket key), the key's ARN, the
     * full encryption context (base64 JSON), and with a bucket key the data key sealed under it.
     */
    public record Wrapped(
            String blob,
            String keyArn,
            @Nullable String context,
            @Nullable String bucketKeySealed) {}

    private record BucketKey(byte[] plaintext, String blob, long until) {}

    private final KeyService keys;
    private final Map<String, BucketKey> generating = new ConcurrentHashMap<>();
    private final Map<String, BucketKey> opened = new ConcurrentHashMap<>();
    private final Set<String> noted = ConcurrentHashMap.newKeySet();
    private volatile AuditTrail trail = AuditTrail.NONE;

    public SseKms(KeyService keys) {
        this.keys = keys;
    }

    /** Where the KMS calls S3 makes are recorded (the trail is built after the services). */
    public void auditTo(AuditTrail t) {
        this.trail = t;
    }

    private String viaS3() {
        return "s3." + keys.region() + ".amazonaws.com";
    }

    /** Parses the x-amz-server-side-encryption-context header: base64 of a JSON object of strings. */
    public static Map<String, String> parseContext(@Nullable String header) {
        Map<String, String> out = new LinkedHashMap<>();
        if (header == null || header.isBlank()) return out;
        JsonNode n;
        try {
            n = JSON.readTree(Base64.getDecoder().decode(header.trim()));
        } catch (IOException | IllegalArgumentException e) {
            throw KmsException.validation("The encryption context is not valid base64-encoded JSON.");
        }
        if (n == null || !n.isObject()) throw KmsException.validation("The encryption context must be a JSON object.");
        for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual())
                throw KmsException.validation("The encryption context values must be strings.");
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** Wraps {@code dataKey} for the object {@code bucket/key} under the requested KMS key, as {@code caller}. */
    public Wrapped wrap(Caller caller, String bucket, String objectKey, byte[] dataKey, Request req) {
        Caller c = caller.via(viaS3());
        KmsKey k;
        try {
            k = req.keyRef() == null || req.keyRef().isEmpty()
                    ? keys.s3DefaultKey(c.principal().accountId())
                    : keys.resolve(c.principal().accountId(), req.keyRef());
        } catch (KmsException e) {
            record(c, "GenerateDataKey", null, Map.of(), e);
            throw e;
        }
        String arn = k.arn(keys.region());
        Map<String, String> context = new TreeMap<>(req.context() == null ? Map.of() : req.context());
        if (req.bucketKey()) context = new TreeMap<>(Map.of(S3_ARN, "arn:aws:s3:::" + bucket));
        else context.put(S3_ARN, "arn:aws:s3:::" + bucket + "/" + objectKey);
        try {
            keys.authorize(c, "kms:GenerateDataKey", k, context);
            keys.requireUsable(k);
        } catch (KmsException e) {
            record(c, "GenerateDataKey", arn, context, e);
            throw e;
        }
        if (noted.add(k.keyId() + "|" + bucket)) keys.noteBucket(k, bucket);
        String contextB64 = Base64.getEncoder().encodeToString(json(context));
        if (!req.bucketKey()) {
            byte[] blob = keys.encrypt(k, dataKey, context);
            record(c, "GenerateDataKey", arn, context, null);
            return new Wrapped(Base64.getEncoder().encodeToString(blob), arn, contextB64, null);
        }
        String cacheKey = bucket + "|" + arn + "|" + k.currentVersion();
        BucketKey bk = generating.get(cacheKey);
        long now = System.currentTimeMillis();
        if (bk == null || bk.until() < now) {
            KeyService.DataKey d = keys.generateDataKey(k, 32, context);
            bk = new BucketKey(
                    d.plaintext(), Base64.getEncoder().encodeToString(d.ciphertext()), now + BUCKET_KEY_MILLIS);
            if (generating.size() > MAX_CACHED) generating.clear();
            generating.put(cacheKey, bk);
            if (opened.size() > MAX_CACHED) opened.clear();
            opened.put(bk.blob(), bk);
            record(c, "GenerateDataKey", arn, context, null);
        }
        return new Wrapped(
                bk.blob(), arn, contextB64, Base64.getEncoder().encodeToString(seal(bk.plaintext(), dataKey)));
    }

    /**
     * Unwraps an object's data key as {@code caller} (kms:Decrypt through S3); {@code caller} null is S3 itself
     * (replication, restore), which needs no permission but still a usable key.
     */
    public byte[] unwrap(Caller caller, Wrapped w) {
        Caller c = caller == null ? null : caller.via(viaS3());
        Map<String, String> context = context(w.context());
        String keyId = w.keyArn().substring(w.keyArn().lastIndexOf('/') + 1);
        KmsKey k;
        try {
            k = keys.key(keyId).orElseThrow(() -> KmsException.notFound("Key '" + w.keyArn() + "' does not exist"));
            if (c != null) keys.authorize(c, "kms:Decrypt", k, context);
            keys.requireUsable(k);
        } catch (KmsException e) {
            if (c != null) record(c, "Decrypt", w.keyArn(), context, e);
            throw e;
        }
        if (w.bucketKeySealed() == null) {
            byte[] plain = keys.decrypt(k, Base64.getDecoder().decode(w.blob()), context);
            if (c != null) record(c, "Decrypt", w.keyArn(), context, null);
            return plain;
        }
        BucketKey bk = opened.get(w.blob());
        long now = System.currentTimeMillis();
        if (bk == null || bk.until() < now) {
            byte[] plain = keys.decrypt(k, Base64.getDecoder().decode(w.blob()), context);
            bk = new BucketKey(plain, w.blob(), now + BUCKET_KEY_MILLIS);
            if (opened.size() > MAX_CACHED) opened.clear();
            opened.put(w.blob(), bk);
            if (c != null) record(c, "Decrypt", w.keyArn(), context, null);
        }
        return unseal(bk.plaintext(), Base64.getDecoder().decode(w.bucketKeySealed()));
    }

    /** The KMS key a write would use, resolved as the caller (for errors before any data is read). */
    public String keyArn(Caller caller, String keyRef) {
        KmsKey k = keyRef == null || keyRef.isEmpty()
                ? keys.s3DefaultKey(caller.principal().accountId())
                : keys.resolve(caller.principal().accountId(), keyRef);
        return k.arn(keys.region());
    }

    private static Map<String, String> context(@Nullable String b64) {
        Map<String, String> out = new TreeMap<>();
        if (b64 == null) return out;
        out.putAll(parseContext(b64));
        return out;
    }

    private static byte[] json(Map<String, String> context) {
        ObjectNode o = JSON.createObjectNode();
        context.forEach(o::put);
        return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] seal(byte[] bucketKey, byte[] dataKey) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        byte[] ct = gcm(Cipher.ENCRYPT_MODE, bucketKey, nonce, dataKey, 0, dataKey.length);
        byte[] out = Arrays.copyOf(nonce, 12 + ct.length);
        System.arraycopy(ct, 0, out, 12, ct.length);
        return out;
    }

    private static byte[] unseal(byte[] bucketKey, byte[] sealed) {
        if (sealed.length < 12 + 16) throw new KmsException(KmsException.INVALID_CIPHERTEXT, "");
        return gcm(Cipher.DECRYPT_MODE, bucketKey, Arrays.copyOf(sealed, 12), sealed, 12, sealed.length - 12);
    }

    private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] in, int off, int len) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD("rampart-s3-bucket-key".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return c.doFinal(in, off, len);
        } catch (GeneralSecurityException e) {
            throw new KmsException(KmsException.INVALID_CIPHERTEXT, "");
        }
    }

    /** The trail record of a KMS call S3 made for the caller, as CloudTrail writes it. */
    private void record(
            Caller c,
            String event,
            @Nullable String keyArn,
            Map<String, String> context,
            @Nullable KmsException error) {
        Map<String, String> params = new LinkedHashMap<>();
        if (keyArn != null) params.put("keyId", keyArn);
        if (event.equals("GenerateDataKey")) params.put("keySpec", "AES_256");
        else params.put("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
        Map<String, JsonNode> docs = new LinkedHashMap<>();
        if (!context.isEmpty()) docs.put("encryptionContext", JSON.valueToTree(context));
        Map<String, Object> additional = new LinkedHashMap<>();
        if (keyArn != null) additional.put(CloudTrailRecord.KMS_KEY_ARN, keyArn);
        RequestFacts f = RequestFacts.builder()
                .time(Instant.now())
                .requestId(UUID.randomUUID().toString())
                .service("kms")
                .eventName(event)
                .region(keys.region())
                .principal(c.principal())
                .accessKeyId(c.principal().accessKeyId())
                .sourceIp(CloudTrailRecord.INVOKED_BY_S3)
                .userAgent(CloudTrailRecord.INVOKED_BY_S3)
                .requestParameters(params)
                .status(error == null ? 200 : error.status())
                .errorCode(error == null ? null : error.code())
                .errorMessage(error == null ? null : error.getMessage())
                .readOnly(true)
                .management(true)
                .documents(docs)
                .additional(additional)
                .build();
        try {
            trail.record(f);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SseKms.class).error("could not record a KMS call made for S3", e);
        }
    }
}
