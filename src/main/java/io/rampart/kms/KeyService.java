package io.rampart.kms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.crypto.MasterKey;
import io.rampart.iam.Permissions;
import io.rampart.iam.Principal;
import io.rampart.policy.Decision;
import io.rampart.policy.Evaluator;
import io.rampart.policy.MalformedPolicyException;
import io.rampart.policy.Outcome;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.policy.PolicySet;
import io.rampart.policy.PrincipalType;
import io.rampart.policy.RequestContext;
import io.rampart.storage.Database;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in key service: symmetric keys whose 256-bit material is random, sealed under the master key and never
 * leaves the server; ciphertext blobs that name their key and material version (so rotated keys still decrypt old
 * data); the key lifecycle (enable, disable, scheduled deletion, rotation); aliases, grants, tags; and authorisation
 * as AWS evaluates it: the key policy must allow, directly or by delegating to the account (root), in which case the
 * caller's IAM policies must allow too; an explicit Deny anywhere wins; grants add permissions.
 */
public final class KeyService {
    private static final Logger log = LoggerFactory.getLogger(KeyService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte BLOB_FORMAT = 1;
    private static final int HEADER = 1 + 16 + 4;
    private static final int NONCE = 12;
    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    public static final String S3_ALIAS = "alias/aws/s3";
    private static final PolicyDocument ALLOW_ALL = PolicyDocument.parse(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
            PolicyKind.IDENTITY,
            "kms-key-policy-only");

    private final KeyStore store;
    private final MasterKey masterKey;
    private final Permissions permissions;
    private final String region;
    private final Clock clock;
    private final Map<String, byte[]> material = new ConcurrentHashMap<>();
    private final Map<String, PolicyDocument> compiled = new ConcurrentHashMap<>();
    /** Keys read in the last second (SSE-KMS reads one per request); every change through this service drops its entry. */
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private static final long CACHE_MILLIS = 1000;

    private record Cached(KmsKey key, long until) {}

    public KeyService(Database db, MasterKey masterKey, Permissions permissions, String region, Clock clock) {
        this.store = new KeyStore(db);
        this.masterKey = masterKey;
        this.permissions = permissions;
        this.region = region;
        this.clock = clock;
    }

    public String region() {
        return region;
    }

    KeyStore store() {
        return store;
    }

    Permissions permissions() {
        return permissions;
    }

    long now() {
        return clock.millis();
    }

    // ---- keys ----

    /** The policy AWS gives a key created without one: the account (root) may do everything, so IAM policies apply. */
    public static String defaultPolicy(String accountId) {
        return "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n"
                + "    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n"
                + "    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::" + accountId + ":root\"\n    },\n"
                + "    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}";
    }

    /** The policy of the AWS managed key aws/s3: any principal of the account, through S3 only; metadata to the account. */
    private String s3KeyPolicy(String accountId) {
        return "{\"Version\":\"2012-10-17\",\"Id\":\"auto-s3-2\",\"Statement\":[{\"Sid\":\"Allow access through S3 for all "
                + "principals in the account that are authorized to use S3\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
                + "\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\",\"kms:DescribeKey\"],"
                + "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"" + accountId + "\","
                + "\"kms:ViaService\":\"s3." + region
                + ".amazonaws.com\"}}},{\"Sid\":\"Allow direct access to key metadata to "
                + "the account\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + accountId + ":root\"},"
                + "\"Action\":[\"kms:Describe*\",\"kms:Get*\",\"kms:List*\",\"kms:RevokeGrant\"],\"Resource\":\"*\"}]}";
    }

    public KmsKey createKey(
            String accountId, @Nullable String description, @Nullable String policy, String keyManager) {
        String id = UUID.randomUUID().toString();
        long now = now();
        KmsKey k = new KmsKey(
                id,
                accountId,
                description == null ? "" : description,
                KmsKey.ENABLED,
                keyManager,
                now,
                null,
                "AWS".equals(keyManager),
                365,
                null,
                1,
                policy == null ? defaultPolicy(accountId) : policy);
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        try {
            store.insert(k, Base64.getEncoder().encodeToString(masterKey.seal(raw, sealContext(id, 1))));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        return k;
    }

    /** The account's aws/s3 key, created (with its alias) at its first use, as S3 does. */
    public synchronized KmsKey s3DefaultKey(String accountId) {
        Optional<KeyStore.Alias> a = store.alias(accountId, S3_ALIAS);
        if (a.isPresent()) {
            Optional<KmsKey> k = store.key(a.get().keyId());
            if (k.isPresent()) return k.get();
        }
        KmsKey k = createKey(
                accountId,
                "Default key that protects my S3 objects when no other key is defined",
                s3KeyPolicy(accountId),
                "AWS");
        store.deleteAlias(accountId, S3_ALIAS);
        store.insertAlias(accountId, S3_ALIAS, k.keyId(), now());
        return k;
    }

    /**
     * A key named by key id, key ARN, alias name (alias/...) or alias ARN, in the caller's account. Unknown:
     * NotFoundException, as AWS words it.
     */
    public KmsKey resolve(String accountId, String ref) {
        if (ref == null || ref.isEmpty()) throw KmsException.validation("KeyId is required.");
        if (ref.length() > 2048)
            throw KmsException.validation(
                    "1 validation error detected: Value at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048");
        String account = accountId;
        String name = ref;
        if (ref.startsWith("arn:")) {
            String[] p = ref.split(":", 6);
            if (p.length != 6 || !"kms".equals(p[2]) || !(p[5].startsWith("key/") || p[5].startsWith("alias/"))) {
                throw new KmsException(KmsException.INVALID_ARN, "ARN " + ref + " is not a valid KMS key ARN.");
            }
            if (!p[3].equals(region)) throw KmsException.notFound("Invalid arn " + p[3]);
            account = p[4];
            name = p[5];
        }
        if (name.startsWith("alias/")) {
            String aliasArn = "arn:aws:kms:" + region + ":" + account + ":" + name;
            if (S3_ALIAS.equals(name) && store.alias(account, name).isEmpty() && account.equals(accountId)) {
                return s3DefaultKey(account);
            }
            KeyStore.Alias a = store.alias(account, name)
                    .orElseThrow(() -> KmsException.notFound("Alias " + aliasArn + " is not found."));
            return store.key(a.keyId())
                    .orElseThrow(() -> KmsException.notFound("Alias " + aliasArn + " is not found."));
        }
        if (name.startsWith("key/")) name = name.substring(4);
        String keyArn = "arn:aws:kms:" + region + ":" + account + ":key/" + name;
        if (!UUID_FORM.matcher(name).matches()) {
            throw KmsException.notFound("Invalid keyId '" + ref + "'");
        }
        String finalAccount = account;
        return key(name)
                .filter(k -> k.accountId().equals(finalAccount))
                .orElseThrow(() -> KmsException.notFound("Key '" + keyArn + "' does not exist"));
    }

    public Optional<KmsKey> key(String keyId) {
        long now = System.currentTimeMillis();
        Cached c = cache.get(keyId);
        if (c != null && c.until() > now) return Optional.of(c.key());
        Optional<KmsKey> k = store.key(keyId);
        if (cache.size() > 10_000) cache.clear();
        k.ifPresent(x -> cache.put(keyId, new Cached(x, now + CACHE_MILLIS)));
        return k;
    }

    /** Drops what is cached of a key after a change. */
    void changed(String keyId) {
        cache.remove(keyId);
    }

    public List<KmsKey> keys(String accountId) {
        return store.keys(accountId);
    }

    /** Refuses cryptographic use of a key that is not Enabled, with AWS's error for its state. */
    public void requireUsable(KmsKey k) {
        switch (k.state()) {
            case KmsKey.ENABLED -> {}
            case KmsKey.DISABLED -> throw new KmsException(KmsException.DISABLED, k.arn(region) + " is disabled.");
            case KmsKey.PENDING_DELETION ->
                throw new KmsException(KmsException.INVALID_STATE, k.arn(region) + " is pending deletion.");
            default -> throw new KmsException(KmsException.INVALID_STATE, k.arn(region) + " is " + k.state() + ".");
        }
    }

    void requireCustomerManaged(KmsKey k, String action) {
        if (k.awsManaged()) {
            throw new KmsException(
                    KmsException.UNSUPPORTED,
                    k.arn(region) + " is an AWS managed key: " + action + " is not supported on it.");
        }
    }

    public void setEnabled(KmsKey k, boolean enabled) {
        if (KmsKey.PENDING_DELETION.equals(k.state())) {
            throw new KmsException(KmsException.INVALID_STATE, k.arn(region) + " is pending deletion.");
        }
        store.setState(k.keyId(), enabled ? KmsKey.ENABLED : KmsKey.DISABLED, null);
        changed(k.keyId());
    }

    /** Schedules deletion in {@code days} (7..30); the key is unusable from now on. Returns the deletion date. */
    public long scheduleDeletion(KmsKey k, int days) {
        if (KmsKey.PENDING_DELETION.equals(k.state())) {
            throw new KmsException(KmsException.INVALID_STATE, k.arn(region) + " is pending deletion.");
        }
        long date = now() + days * 86_400_000L;
        store.setState(k.keyId(), KmsKey.PENDING_DELETION, date);
        changed(k.keyId());
        log.warn(
                "KMS key {} scheduled for deletion on {}: objects under it become unreadable for good then",
                k.arn(region),
                java.time.Instant.ofEpochMilli(date));
        return date;
    }

    /** Cancels a scheduled deletion; the key comes back Disabled, as in AWS. */
    public void cancelDeletion(KmsKey k) {
        if (!KmsKey.PENDING_DELETION.equals(k.state())) {
            throw new KmsException(KmsException.INVALID_STATE, k.arn(region) + " is not pending deletion.");
        }
        store.setState(k.keyId(), KmsKey.DISABLED, null);
        changed(k.keyId());
    }

    public void setRotation(KmsKey k, boolean enabled, int periodDays) {
        store.setRotation(k.keyId(), enabled, periodDays);
        changed(k.keyId());
    }

    /** New material becomes current; older versions stay to decrypt what they encrypted. */
    public void rotate(KmsKey k) {
        int version = k.currentVersion() + 1;
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        try {
            store.rotate(
                    k.keyId(),
                    version,
                    Base64.getEncoder().encodeToString(masterKey.seal(raw, sealContext(k.keyId(), version))),
                    now());
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        changed(k.keyId());
    }

    public Map<Integer, Long> rotations(KmsKey k) {
        return store.materialVersions(k.keyId());
    }

    /**
     * One pass of the background work: destroys keys whose deletion date has come (their material is gone, so data
     * under them is unreadable for good) and rotates keys whose rotation period has passed. Returns the keys destroyed.
     */
    public List<String> maintenancePass() {
        return maintenancePass(java.time.Instant.ofEpochMilli(now()));
    }

    /** {@link #maintenancePass()} as of {@code at} (tests look past a waiting period). */
    public List<String> maintenancePass(java.time.Instant at) {
        long now = at.toEpochMilli();
        List<String> destroyed = new ArrayList<>();
        for (KmsKey k : store.dueForDeletion(now)) {
            store.destroy(k.keyId());
            changed(k.keyId());
            material.keySet().removeIf(x -> x.startsWith(k.keyId() + ":"));
            destroyed.add(k.keyId());
            log.warn("KMS key {} deleted after its waiting period: its key material is destroyed", k.arn(region));
        }
        for (KmsKey k : store.rotationCandidates()) {
            long last = k.lastRotation() != null ? k.lastRotation() : k.created();
            if (now - last >= k.rotationPeriodDays() * 86_400_000L) rotate(k);
        }
        return destroyed;
    }

    public String policy(KmsKey k) {
        return k.policy();
    }

    /** Validates a key policy (AWS's MalformedPolicyDocumentException on a bad one). */
    public static PolicyDocument parsePolicy(String json) {
        if (json.length() > 32_768) {
            throw new KmsException(
                    KmsException.VALIDATION,
                    "1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to 32768");
        }
        try {
            return PolicyDocument.parse(json, PolicyKind.RESOURCE, "key policy");
        } catch (MalformedPolicyException e) {
            throw new KmsException(KmsException.MALFORMED_POLICY, "The new key policy is not valid: " + e.getMessage());
        }
    }

    public void putPolicy(KmsKey k, String json) {
        parsePolicy(json);
        store.setPolicy(k.keyId(), json);
        changed(k.keyId());
    }

    // ---- aliases, grants, tags ----

    public List<KeyStore.Alias> aliases(String accountId) {
        return store.aliases(accountId);
    }

    public Map<String, String> tags(KmsKey k) {
        return store.tags(k.keyId());
    }

    /** Buckets with objects protected by this key (recorded as S3 uses it). */
    public List<String> bucketsProtected(KmsKey k) {
        return store.bucketsOf(k.keyId());
    }

    /** Records that S3 wrote objects of {@code bucket} under {@code k}. */
    public void noteBucket(KmsKey k, String bucket) {
        store.noteBucket(k.keyId(), bucket, now());
    }

    // ---- cryptography ----

    /** A data key: its plaintext (for the caller only) and the ciphertext blob that unwraps to it. */
    public record DataKey(byte[] plaintext, byte[] ciphertext) {}

    /** Encrypts {@code plaintext} under the key's current material, bound to the encryption context. */
    public byte[] encrypt(KmsKey k, byte[] plaintext, Map<String, String> context) {
        requireUsable(k);
        int version = k.currentVersion();
        byte[] header = ByteBuffer.allocate(HEADER)
                .put(BLOB_FORMAT)
                .put(uuidBytes(k.keyId()))
                .putInt(version)
                .array();
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        byte[] ct = gcm(
                Cipher.ENCRYPT_MODE,
                material(k.keyId(), version),
                nonce,
                aad(header, context),
                plaintext,
                0,
                plaintext.length);
        return ByteBuffer.allocate(HEADER + NONCE + ct.length)
                .put(header)
                .put(nonce)
                .put(ct)
                .array();
    }

    public DataKey generateDataKey(KmsKey k, int bytes, Map<String, String> context) {
        byte[] plain = new byte[bytes];
        RANDOM.nextBytes(plain);
        return new DataKey(plain, encrypt(k, plain, context));
    }

    /** The key a ciphertext blob names (InvalidCiphertextException when it is not one of ours or its key is gone). */
    public KmsKey keyOf(byte[] blob) {
        if (blob == null || blob.length < HEADER + NONCE + 16 || blob[0] != BLOB_FORMAT) {
            throw new KmsException(KmsException.INVALID_CIPHERTEXT, "The ciphertext is invalid.");
        }
        ByteBuffer b = ByteBuffer.wrap(blob, 1, 16);
        String id = new UUID(b.getLong(), b.getLong()).toString();
        return store.key(id)
                .orElseThrow(
                        () -> new KmsException(
                                KmsException.INVALID_CIPHERTEXT,
                                "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access."));
    }

    /** Decrypts a blob made by {@link #encrypt} under the same context; any mismatch is InvalidCiphertextException. */
    public byte[] decrypt(KmsKey k, byte[] blob, Map<String, String> context) {
        requireUsable(k);
        int version = ByteBuffer.wrap(blob, 17, 4).getInt();
        byte[] header = Arrays.copyOf(blob, HEADER);
        byte[] nonce = Arrays.copyOfRange(blob, HEADER, HEADER + NONCE);
        byte[] key;
        try {
            key = material(k.keyId(), version);
        } catch (KmsException e) {
            throw new KmsException(KmsException.INVALID_CIPHERTEXT, "");
        }
        try {
            return gcm(
                    Cipher.DECRYPT_MODE,
                    key,
                    nonce,
                    aad(header, context),
                    blob,
                    HEADER + NONCE,
                    blob.length - HEADER - NONCE);
        } catch (KmsException e) {
            throw new KmsException(KmsException.INVALID_CIPHERTEXT, "");
        }
    }

    private byte[] material(String keyId, int version) {
        String cacheKey = keyId + ":" + version;
        byte[] m = material.get(cacheKey);
        if (m != null) return m;
        String sealed =
                store.material(keyId, version).orElseThrow(() -> new KmsException(KmsException.INVALID_CIPHERTEXT, ""));
        m = masterKey.unseal(Base64.getDecoder().decode(sealed), sealContext(keyId, version));
        if (material.size() > 10_000) material.clear();
        material.put(cacheKey, m);
        return m;
    }

    private static String sealContext(String keyId, int version) {
        return "rampart-kms-key-material:" + keyId + ":" + version;
    }

    private static byte[] uuidBytes(String id) {
        UUID u = UUID.fromString(id);
        return ByteBuffer.allocate(16)
                .putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits())
                .array();
    }

    /** The blob's header and the encryption context in a canonical form (sorted), as additional authenticated data. */
    private static byte[] aad(byte[] header, Map<String, String> context) {
        ObjectNode o = JSON.createObjectNode();
        new TreeMap<>(context == null ? Map.<String, String>of() : context).forEach(o::put);
        byte[] c = o.toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(header.length + c.length).put(header).put(c).array();
    }

    private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] in, int off, int len) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad);
            return c.doFinal(in, off, len);
        } catch (GeneralSecurityException e) {
            throw new KmsException(KmsException.INVALID_CIPHERTEXT, "");
        }
    }

    // ---- authorisation ----

    /**
     * Refuses (AccessDeniedException) unless the caller may do {@code action} on the key: the key policy allows it
     * naming the caller (or "*"), or allows the caller's account, whose IAM policies then must allow it; a grant to the
     * caller for the operation also allows; an explicit Deny in the key policy or the caller's policies, or an SCP/RCP,
     * refuses. Condition keys: kms:CallerAccount, kms:ViaService (through S3), kms:EncryptionContext:&lt;k&gt;.
     */
    public void authorize(Caller c, String action, KmsKey k, Map<String, String> encryptionContext) {
        if (!allowed(c, action, k, encryptionContext)) {
            Principal p = c.principal();
            throw new KmsException(
                    KmsException.ACCESS_DENIED,
                    "User: " + p.arn() + " is not authorized to perform: " + action + " on resource: " + k.arn(region)
                            + " because no resource-based policy allows the " + action + " action");
        }
    }

    /** Whether the caller may do {@code action} on the key (see {@link #authorize}). */
    public boolean allowed(Caller c, String action, KmsKey k, Map<String, String> encryptionContext) {
        Principal p = c.principal();
        if (p.isAnonymous()) return false;
        Map<String, List<String>> keys = Permissions.globalKeys(p, c.now(), c.secure(), c.sourceIp(), region);
        keys.put("kms:CallerAccount", List.of(p.accountId()));
        keys.put("aws:PrincipalAccount", List.of(p.accountId()));
        keys.put("aws:ResourceAccount", List.of(k.accountId()));
        keys.putAll(permissions.organizationKeys(p));
        if (c.viaService() != null) {
            keys.put("kms:ViaService", List.of(c.viaService()));
            keys.put("aws:ViaAWSService", List.of("true"));
            keys.put("aws:CalledVia", List.of(c.viaService().startsWith("s3.") ? "s3.amazonaws.com" : c.viaService()));
        }
        if (encryptionContext != null && !encryptionContext.isEmpty()) {
            encryptionContext.forEach((ek, ev) -> keys.put("kms:EncryptionContext:" + ek, List.of(ev)));
            keys.put("kms:EncryptionContextKeys", List.copyOf(encryptionContext.keySet()));
        }
        RequestContext.Principal real = Permissions.contextPrincipal(p);
        String arn = k.arn(region);
        RequestContext ctx = new RequestContext(action, arn, real, k.accountId(), keys);
        if (permissions.guardrailDenial(p, k.accountId(), true, ctx).isPresent()) return false;
        PolicyDocument keyPolicy = compiled.computeIfAbsent(k.policy(), KeyService::parsePolicy);
        if (compiled.size() > 10_000) compiled.clear();
        Permissions.Grants g = permissions.grants(p);
        boolean sameAccount = p.accountId().equals(k.accountId());
        // An explicit Deny anywhere wins.
        Decision all = Evaluator.evaluate(
                new PolicySet(
                        List.of(),
                        List.of(),
                        Optional.of(keyPolicy),
                        g.identity(),
                        g.boundary(),
                        g.session(),
                        sameAccount),
                ctx);
        if (all.outcome() == Outcome.EXPLICIT_DENY) return false;
        // The key policy names the caller itself (or "*"): that is enough. Evaluated with the caller's account hidden
        // so that a statement for the account alone does not count here.
        RequestContext.Principal hidden = new RequestContext.Principal(
                real.arn(),
                "",
                real.type() == PrincipalType.ROOT ? PrincipalType.IAM_USER : real.type(),
                real.userId(),
                real.username(),
                real.roleArn(),
                real.canonicalUserId());
        Map<String, List<String>> hiddenKeys = new HashMap<>(keys);
        hiddenKeys.put("aws:PrincipalArn", List.of(real.principalArnKey()));
        boolean direct = Evaluator.evaluate(
                        new PolicySet(
                                List.of(),
                                List.of(),
                                Optional.of(keyPolicy),
                                List.of(ALLOW_ALL),
                                Optional.empty(),
                                List.of(),
                                false),
                        new RequestContext(action, arn, hidden, k.accountId(), hiddenKeys))
                .allowed();
        if (direct && sameAccount) return true;
        // The key policy allows the account: IAM policies decide (the caller's identity side, bounded).
        boolean toAccount = Evaluator.evaluate(
                        new PolicySet(
                                List.of(),
                                List.of(),
                                Optional.of(keyPolicy),
                                List.of(ALLOW_ALL),
                                Optional.empty(),
                                List.of(),
                                false),
                        ctx)
                .allowed();
        if (toAccount) {
            Decision identity = Evaluator.evaluate(
                    new PolicySet(
                            List.of(), List.of(), Optional.empty(), g.identity(), g.boundary(), g.session(), true),
                    ctx);
            if (identity.allowed()) return true;
        }
        return grantAllows(p, action, k, encryptionContext);
    }

    private boolean grantAllows(Principal p, String action, KmsKey k, Map<String, String> context) {
        String op = action.substring(action.indexOf(':') + 1);
        String roleArn = Permissions.contextPrincipal(p).roleArn();
        for (KeyStore.Grant g : store.grants(k.keyId())) {
            if (!g.grantee().equals(p.arn()) && !g.grantee().equals(roleArn)) continue;
            if (!g.operations().contains(op)) continue;
            if (KmsGrants.constraintsHold(g.constraints(), context)) return true;
        }
        return false;
    }
}
