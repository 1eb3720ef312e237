package io.rampart.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.iam.Permissions;
import io.rampart.iam.Principal;
import io.rampart.policy.Decision;
import io.rampart.policy.RequestContext;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The AWS KMS API (JSON 1.1, {@code X-Amz-Target: TrentService.Action}) over {@link KeyService}. Each call fills a
 * {@link TrailFacts} with what CloudTrail records of it: key id, encryption context, never plaintext or ciphertext.
 */
public final class KmsApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ALIAS = Pattern.compile("alias/[a-zA-Z0-9/_-]{1,250}");
    /** CloudTrail marks these read-only. */
    private static final Set<String> READ_ONLY = Set.of(
            "Encrypt",
            "Decrypt",
            "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext",
            "ReEncrypt",
            "GenerateRandom",
            "DescribeKey",
            "ListKeys",
            "ListAliases",
            "GetKeyRotationStatus",
            "GetKeyPolicy",
            "ListGrants",
            "ListResourceTags",
            "ListKeyRotations",
            "ListKeyPolicies");
    /** Additional event data on key state changes: whether the key protects objects (detection rules read it). */
    public static final String KEY_USE = "x-rampart-kms-key";
    /** Additional event data on PutKeyPolicy: whether the account (root) could manage the key before and after. */
    public static final String POLICY_CHANGE = "x-rampart-kms-key-policy";
    /** The key a call acted on, for the record's resources (CloudTrail's AWS::KMS::Key entry). */
    public static final String KEY_ARN = io.rampart.audit.CloudTrailRecord.KMS_KEY_ARN;

    private final KeyService keys;
    private final Map<String, Action> actions;

    public KmsApi(KeyService keys) {
        this.keys = keys;
        this.actions = table();
    }

    /** What the trail records of a call, filled as the call proceeds (so failures have their parameters too). */
    public static final class TrailFacts {
        public final Map<String, String> parameters = new LinkedHashMap<>();
        public final Map<String, JsonNode> documents = new LinkedHashMap<>();
        public final Map<String, String> response = new LinkedHashMap<>();
        public final Map<String, Object> additional = new LinkedHashMap<>();
    }

    /** One JSON 1.1 call: the action (from X-Amz-Target) and its body. */
    public record Call(String action, byte[] body, Principal caller, String sourceIp, boolean secure, Instant now) {}

    @FunctionalInterface
    private interface Action {
        void handle(Caller c, JsonNode in, ObjectNode out, TrailFacts t);
    }

    public static boolean readOnly(String action) {
        return READ_ONLY.contains(action);
    }

    private Map<String, Action> table() {
        Map<String, Action> t = new LinkedHashMap<>();
        t.put("CreateKey", this::createKey);
        t.put("DescribeKey", this::describeKey);
        t.put("ListKeys", this::listKeys);
        t.put("CreateAlias", this::createAlias);
        t.put("UpdateAlias", this::updateAlias);
        t.put("DeleteAlias", this::deleteAlias);
        t.put("ListAliases", this::listAliases);
        t.put("Encrypt", this::encrypt);
        t.put("Decrypt", this::decrypt);
        t.put("GenerateDataKey", (c, in, out, tf) -> generateDataKey(c, in, out, tf, true));
        t.put("GenerateDataKeyWithoutPlaintext", (c, in, out, tf) -> generateDataKey(c, in, out, tf, false));
        t.put("ReEncrypt", this::reEncrypt);
        t.put("GenerateRandom", this::generateRandom);
        t.put("EnableKey", (c, in, out, tf) -> setEnabled(c, in, tf, true));
        t.put("DisableKey", (c, in, out, tf) -> setEnabled(c, in, tf, false));
        t.put("ScheduleKeyDeletion", this::scheduleKeyDeletion);
        t.put("CancelKeyDeletion", this::cancelKeyDeletion);
        t.put("EnableKeyRotation", (c, in, out, tf) -> setRotation(c, in, tf, true));
        t.put("DisableKeyRotation", (c, in, out, tf) -> setRotation(c, in, tf, false));
        t.put("GetKeyRotationStatus", this::getKeyRotationStatus);
        t.put("RotateKeyOnDemand", this::rotateKeyOnDemand);
        t.put("ListKeyRotations", this::listKeyRotations);
        t.put("GetKeyPolicy", this::getKeyPolicy);
        t.put("PutKeyPolicy", this::putKeyPolicy);
        t.put("ListKeyPolicies", this::listKeyPolicies);
        t.put("UpdateKeyDescription", this::updateKeyDescription);
        t.put("CreateGrant", this::createGrant);
        t.put("ListGrants", this::listGrants);
        t.put("RevokeGrant", this::revokeGrant);
        t.put("TagResource", this::tagResource);
        t.put("UntagResource", this::untagResource);
        t.put("ListResourceTags", this::listResourceTags);
        return Collections.unmodifiableMap(t);
    }

    public byte[] handle(Call call, TrailFacts trail) {
        JsonNode in;
        try {
            in = call.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(call.body());
        } catch (IOException e) {
            throw new KmsException(KmsException.SERIALIZATION, "Start of structure or map found where not expected.");
        }
        if (in == null || !in.isObject())
            throw new KmsException(KmsException.SERIALIZATION, "The request body must be a JSON object.");
        Action a = actions.get(call.action());
        if (a == null) throw new KmsException(KmsException.UNKNOWN_OPERATION, "");
        ObjectNode out = JSON.createObjectNode();
        a.handle(new Caller(call.caller(), call.sourceIp(), call.secure(), call.now(), null), in, out, trail);
        try {
            return JSON.writeValueAsBytes(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON 1.1 error body. */
    public static byte[] error(String code, String message) {
        ObjectNode o = JSON.createObjectNode().put("__type", code);
        if (message != null) o.put("message", message);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- keys ----

    private void createKey(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        String usage = text(in, "KeyUsage", "ENCRYPT_DECRYPT");
        String spec = text(in, "KeySpec", text(in, "CustomerMasterKeySpec", "SYMMETRIC_DEFAULT"));
        String origin = text(in, "Origin", "AWS_KMS");
        String description = text(in, "Description", "");
        t.parameters.put("keyUsage", usage);
        t.parameters.put("keySpec", spec);
        t.parameters.put("origin", origin);
        if (!description.isEmpty()) t.parameters.put("description", description);
        if (!usage.equals("ENCRYPT_DECRYPT"))
            throw KmsException.validation("KeyUsage " + usage + " is not supported: only ENCRYPT_DECRYPT.");
        if (!spec.equals("SYMMETRIC_DEFAULT"))
            throw KmsException.validation("KeySpec " + spec + " is not supported: only SYMMETRIC_DEFAULT.");
        if (!origin.equals("AWS_KMS"))
            throw new KmsException(KmsException.UNSUPPORTED, "Origin " + origin + " is not supported.");
        if (description.length() > 8192)
            throw KmsException.validation(
                    "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192");
        authorizeIdentity(c, "kms:CreateKey");
        Optional<String> policy = optionalText(in, "Policy");
        String account = c.principal().accountId();
        if (policy.isPresent()) {
            KeyService.parsePolicy(policy.get());
            if (!bool(in, "BypassPolicyLockoutSafetyCheck") && !callerCanManage(c, policy.get(), account)) {
                throw new KmsException(
                        KmsException.MALFORMED_POLICY,
                        "The new key policy will not allow you to update the key policy in the future.");
            }
        }
        Map<String, String> tags = tags(in.get("Tags"));
        KmsKey k = keys.createKey(account, description, policy.orElse(null), "CUSTOMER");
        if (!tags.isEmpty()) keys.store().putTags(k.keyId(), tags);
        t.response.put("keyMetadata.keyId", k.keyId());
        t.response.put("keyMetadata.arn", k.arn(keys.region()));
        t.additional.put(KEY_ARN, k.arn(keys.region()));
        metadata(out.putObject("KeyMetadata"), k);
    }

    private void describeKey(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:DescribeKey", t);
        metadata(out.putObject("KeyMetadata"), k);
    }

    private void listKeys(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        authorizeIdentity(c, "kms:ListKeys");
        List<KmsKey> all = keys.keys(c.principal().accountId());
        List<Object> page = page(new ArrayList<>(all), in, out);
        ArrayNode list = out.putArray("Keys");
        for (Object o : page) {
            KmsKey k = (KmsKey) o;
            list.addObject().put("KeyId", k.keyId()).put("KeyArn", k.arn(keys.region()));
        }
    }

    private void updateKeyDescription(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:UpdateKeyDescription", t);
        String d = required(in, "Description");
        t.parameters.put("description", d);
        keys.store().setDescription(k.keyId(), d);
        keys.changed(k.keyId());
    }

    private void metadata(ObjectNode m, KmsKey k) {
        k = keys.key(k.keyId()).orElse(k);
        m.put("AWSAccountId", k.accountId())
                .put("KeyId", k.keyId())
                .put("Arn", k.arn(keys.region()))
                .put("CreationDate", k.created() / 1000.0)
                .put("Enabled", KmsKey.ENABLED.equals(k.state()))
                .put("Description", k.description())
                .put("KeyUsage", "ENCRYPT_DECRYPT")
                .put("KeyState", k.state())
                .put("Origin", "AWS_KMS")
                .put("KeyManager", k.keyManager())
                .put("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT")
                .put("KeySpec", "SYMMETRIC_DEFAULT")
                .put("MultiRegion", false);
        m.putArray("EncryptionAlgorithms").add("SYMMETRIC_DEFAULT");
        if (k.deletionDate() != null) {
            m.put("DeletionDate", k.deletionDate() / 1000.0);
            m.put("PendingDeletionWindowInDays", Math.max(7, (int)
                    Math.round((k.deletionDate() - System.currentTimeMillis()) / 86_400_000.0)));
        }
    }

    // ---- aliases ----

    private String aliasName(JsonNode in, TrailFacts t) {
        String name = required(in, "AliasName");
        t.parameters.put("aliasName", name);
        if (!ALIAS.matcher(name).matches()) {
            throw KmsException.validation(
                    "1 validation error detected: Value '" + name
                            + "' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$");
        }
        return name;
    }

    private static void notReserved(String name) {
        if (name.startsWith("alias/aws/")) {
            throw new KmsException(
                    KmsException.INVALID_ALIAS_NAME,
                    "Alias must not begin with 'alias/aws/'. The alias/aws/ prefix is reserved for AWS managed keys.");
        }
    }

    private void createAlias(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        String name = aliasName(in, t);
        notReserved(name);
        KmsKey k = key(c, in, "TargetKeyId", "kms:CreateAlias", t);
        if (k.awsManaged())
            throw new KmsException(KmsException.UNSUPPORTED, "Aliases cannot point to an AWS managed key.");
        if (KmsKey.PENDING_DELETION.equals(k.state())) {
            throw new KmsException(KmsException.INVALID_STATE, k.arn(keys.region()) + " is pending deletion.");
        }
        String account = c.principal().accountId();
        if (!keys.store().insertAlias(account, name, k.keyId(), keys.now())) {
            throw new KmsException(
                    KmsException.ALREADY_EXISTS,
                    "An alias with the name arn:aws:kms:" + keys.region() + ":" + account + ":" + name
                            + " already exists");
        }
    }

    private void updateAlias(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        String name = aliasName(in, t);
        notReserved(name);
        String account = c.principal().accountId();
        KeyStore.Alias a = keys.store()
                .alias(account, name)
                .orElseThrow(() -> KmsException.notFound(
                        "Alias arn:aws:kms:" + keys.region() + ":" + account + ":" + name + " is not found."));
        KmsKey old = keys.key(a.keyId()).orElseThrow();
        keys.authorize(c, "kms:UpdateAlias", old, Map.of());
        KmsKey k = key(c, in, "TargetKeyId", "kms:UpdateAlias", t);
        if (k.awsManaged())
            throw new KmsException(KmsException.UNSUPPORTED, "Aliases cannot point to an AWS managed key.");
        keys.store().updateAlias(account, name, k.keyId(), keys.now());
    }

    private void deleteAlias(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        String name = aliasName(in, t);
        notReserved(name);
        String account = c.principal().accountId();
        KeyStore.Alias a = keys.store()
                .alias(account, name)
                .orElseThrow(() -> KmsException.notFound(
                        "Alias arn:aws:kms:" + keys.region() + ":" + account + ":" + name + " is not found."));
        KmsKey k = keys.key(a.keyId()).orElseThrow();
        keys.authorize(c, "kms:DeleteAlias", k, Map.of());
        t.additional.put(KEY_ARN, k.arn(keys.region()));
        keys.store().deleteAlias(account, name);
    }

    private void listAliases(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        String account = c.principal().accountId();
        String keyId = null;
        if (in.hasNonNull("KeyId")) {
            KmsKey k = key(c, in, "KeyId", "kms:ListAliases", t);
            keyId = k.keyId();
        } else {
            authorizeIdentity(c, "kms:ListAliases");
        }
        List<Object> all = new ArrayList<>();
        for (KeyStore.Alias a : keys.aliases(account)) if (keyId == null || keyId.equals(a.keyId())) all.add(a);
        ArrayNode list = out.putArray("Aliases");
        for (Object o : page(all, in, out)) {
            KeyStore.Alias a = (KeyStore.Alias) o;
            list.addObject()
                    .put("AliasName", a.name())
                    .put("AliasArn", "arn:aws:kms:" + keys.region() + ":" + account + ":" + a.name())
                    .put("TargetKeyId", a.keyId())
                    .put("CreationDate", a.created() / 1000.0)
                    .put("LastUpdatedDate", a.updated() / 1000.0);
        }
    }

    // ---- cryptography ----

    private void encrypt(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        algorithm(in, t);
        Map<String, String> ctx = context(in, "EncryptionContext", t, "encryptionContext");
        KmsKey k = key(c, in, "KeyId", null, t);
        byte[] plain = blob(in, "Plaintext", 4096);
        keys.authorize(c, "kms:Encrypt", k, ctx);
        byte[] blob = keys.encrypt(k, plain, ctx);
        out.put("CiphertextBlob", Base64.getEncoder().encodeToString(blob))
                .put("KeyId", k.arn(keys.region()))
                .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    }

    private void decrypt(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        algorithm(in, t);
        Map<String, String> ctx = context(in, "EncryptionContext", t, "encryptionContext");
        byte[] blob = blob(in, "CiphertextBlob", 6144);
        KmsKey k = keys.keyOf(blob);
        if (in.hasNonNull("KeyId")) {
            KmsKey named = key(c, in, "KeyId", null, t);
            if (!named.keyId().equals(k.keyId())) {
                throw new KmsException(
                        KmsException.INCORRECT_KEY,
                        "The key ID in the request does not identify a CMK that can perform this operation.");
            }
        }
        t.additional.put(KEY_ARN, k.arn(keys.region()));
        keys.authorize(c, "kms:Decrypt", k, ctx);
        byte[] plain = keys.decrypt(k, blob, ctx);
        out.put("KeyId", k.arn(keys.region()))
                .put("Plaintext", Base64.getEncoder().encodeToString(plain))
                .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    }

    private void generateDataKey(Caller c, JsonNode in, ObjectNode out, TrailFacts t, boolean withPlaintext) {
        Map<String, String> ctx = context(in, "EncryptionContext", t, "encryptionContext");
        KmsKey k = key(c, in, "KeyId", null, t);
        int bytes = dataKeyBytes(in, t);
        keys.authorize(c, withPlaintext ? "kms:GenerateDataKey" : "kms:GenerateDataKeyWithoutPlaintext", k, ctx);
        KeyService.DataKey d = keys.generateDataKey(k, bytes, ctx);
        out.put("CiphertextBlob", Base64.getEncoder().encodeToString(d.ciphertext()));
        if (withPlaintext) out.put("Plaintext", Base64.getEncoder().encodeToString(d.plaintext()));
        out.put("KeyId", k.arn(keys.region()));
        java.util.Arrays.fill(d.plaintext(), (byte) 0);
    }

    private static int dataKeyBytes(JsonNode in, TrailFacts t) {
        String spec = optionalText(in, "KeySpec").orElse(null);
        JsonNode n = in.get("NumberOfBytes");
        if (spec != null) t.parameters.put("keySpec", spec);
        if (n != null && !n.isNull()) t.parameters.put("numberOfBytes", n.asText());
        if (spec != null && n != null && !n.isNull()) {
            throw KmsException.validation("Please specify either number of bytes or key spec.");
        }
        if (spec != null) {
            return switch (spec) {
                case "AES_256" -> 32;
                case "AES_128" -> 16;
                default ->
                    throw KmsException.validation(
                            "1 validation error detected: Value '" + spec
                                    + "' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]");
            };
        }
        if (n == null || n.isNull())
            throw KmsException.validation("Please specify either number of bytes or key spec.");
        int b = n.asInt(-1);
        if (b < 1 || b > 1024) {
            throw KmsException.validation("1 validation error detected: Value '" + n.asText()
                    + "' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024");
        }
        return b;
    }

    private void reEncrypt(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        Map<String, String> source = context(in, "SourceEncryptionContext", t, "sourceEncryptionContext");
        Map<String, String> dest = context(in, "DestinationEncryptionContext", t, "destinationEncryptionContext");
        byte[] blob = blob(in, "CiphertextBlob", 6144);
        KmsKey from = keys.keyOf(blob);
        if (in.hasNonNull("SourceKeyId")) {
            KmsKey named = keys.resolve(
                    c.principal().accountId(), in.get("SourceKeyId").asText());
            t.parameters.put("sourceKeyId", in.get("SourceKeyId").asText());
            if (!named.keyId().equals(from.keyId())) {
                throw new KmsException(
                        KmsException.INCORRECT_KEY,
                        "The key ID in the request does not identify a CMK that can perform this operation.");
            }
        }
        String destRef = required(in, "DestinationKeyId");
        t.parameters.put("destinationKeyId", destRef);
        KmsKey to = keys.resolve(c.principal().accountId(), destRef);
        keys.authorize(c, "kms:ReEncryptFrom", from, source);
        keys.authorize(c, "kms:ReEncryptTo", to, dest);
        byte[] plain = keys.decrypt(from, blob, source);
        byte[] again = keys.encrypt(to, plain, dest);
        java.util.Arrays.fill(plain, (byte) 0);
        t.additional.put(KEY_ARN, to.arn(keys.region()));
        out.put("CiphertextBlob", Base64.getEncoder().encodeToString(again))
                .put("SourceKeyId", from.arn(keys.region()))
                .put("KeyId", to.arn(keys.region()))
                .put("SourceEncryptionAlgorithm", "SYMMETRIC_DEFAULT")
                .put("DestinationEncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    }

    private void generateRandom(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        authorizeIdentity(c, "kms:GenerateRandom");
        JsonNode n = in.get("NumberOfBytes");
        int b = n == null ? -1 : n.asInt(-1);
        if (b < 1 || b > 1024)
            throw KmsException.validation(
                    "1 validation error detected: Value at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024");
        byte[] r = new byte[b];
        new java.security.SecureRandom().nextBytes(r);
        out.put("Plaintext", Base64.getEncoder().encodeToString(r));
    }

    // ---- lifecycle ----

    private void setEnabled(Caller c, JsonNode in, TrailFacts t, boolean enabled) {
        KmsKey k = key(c, in, "KeyId", enabled ? "kms:EnableKey" : "kms:DisableKey", t);
        keys.requireCustomerManaged(k, enabled ? "EnableKey" : "DisableKey");
        if (!enabled) keyUse(k, t);
        keys.setEnabled(k, enabled);
    }

    private void keyUse(KmsKey k, TrailFacts t) {
        List<String> buckets = keys.bucketsProtected(k);
        Map<String, Object> use = new LinkedHashMap<>();
        use.put("protectsObjects", !buckets.isEmpty());
        use.put("buckets", buckets.size());
        t.additional.put(KEY_USE, use);
    }

    private void scheduleKeyDeletion(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:ScheduleKeyDeletion", t);
        JsonNode w = in.get("PendingWindowInDays");
        int days = w == null || w.isNull() ? 30 : w.asInt(-1);
        t.parameters.put("pendingWindowInDays", Integer.toString(days));
        if (days < 7 || days > 30) {
            throw KmsException.validation("1 validation error detected: Value '" + (w == null ? "" : w.asText())
                    + "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value "
                    + (days < 7 ? "greater than or equal to 7" : "less than or equal to 30"));
        }
        keys.requireCustomerManaged(k, "ScheduleKeyDeletion");
        keyUse(k, t);
        long date = keys.scheduleDeletion(k, days);
        String arn = k.arn(keys.region());
        t.response.put("keyId", arn);
        t.response.put("keyState", KmsKey.PENDING_DELETION);
        t.response.put("deletionDate", Instant.ofEpochMilli(date).toString());
        t.response.put("pendingWindowInDays", Integer.toString(days));
        out.put("KeyId", arn)
                .put("DeletionDate", date / 1000.0)
                .put("KeyState", KmsKey.PENDING_DELETION)
                .put("PendingWindowInDays", days);
        // Not in AWS's shape (clients ignore it); raw API users and logs see it.
        out.put(
                "Warning",
                "When the waiting period ends the key material is destroyed: every object and ciphertext "
                        + "encrypted under this key becomes unreadable for good. CancelKeyDeletion before "
                        + Instant.ofEpochMilli(date)
                        + " to keep it; DisableKey stops its use reversibly.");
    }

    private void cancelKeyDeletion(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:CancelKeyDeletion", t);
        keys.cancelDeletion(k);
        out.put("KeyId", k.arn(keys.region()));
    }

    private void setRotation(Caller c, JsonNode in, TrailFacts t, boolean enabled) {
        KmsKey k = key(c, in, "KeyId", enabled ? "kms:EnableKeyRotation" : "kms:DisableKeyRotation", t);
        keys.requireCustomerManaged(k, enabled ? "EnableKeyRotation" : "DisableKeyRotation");
        keys.requireUsable(k);
        int period = k.rotationPeriodDays();
        JsonNode p = in.get("RotationPeriodInDays");
        if (enabled && p != null && !p.isNull()) {
            period = p.asInt(-1);
            t.parameters.put("rotationPeriodInDays", p.asText());
            if (period < 90 || period > 2560) {
                throw KmsException.validation(
                        "1 validation error detected: Value '" + p.asText()
                                + "' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between 90 and 2560");
            }
        }
        keys.setRotation(k, enabled, period);
    }

    private void getKeyRotationStatus(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:GetKeyRotationStatus", t);
        out.put("KeyId", k.arn(keys.region())).put("KeyRotationEnabled", k.rotationEnabled());
        if (k.rotationEnabled()) {
            long last = k.lastRotation() != null ? k.lastRotation() : k.created();
            out.put("RotationPeriodInDays", k.rotationPeriodDays())
                    .put("NextRotationDate", (last + k.rotationPeriodDays() * 86_400_000L) / 1000.0);
        }
    }

    private void rotateKeyOnDemand(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:RotateKeyOnDemand", t);
        keys.requireCustomerManaged(k, "RotateKeyOnDemand");
        if (KmsKey.DISABLED.equals(k.state())) {
            throw new KmsException(KmsException.DISABLED, k.arn(keys.region()) + " is disabled.");
        }
        keys.requireUsable(k);
        keys.rotate(k);
        out.put("KeyId", k.keyId());
    }

    private void listKeyRotations(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:ListKeyRotations", t);
        ArrayNode list = out.putArray("Rotations");
        keys.rotations(k).forEach((version, created) -> {
            if (version > 1)
                list.addObject()
                        .put("KeyId", k.keyId())
                        .put("RotationDate", created / 1000.0)
                        .put("RotationType", "ON_DEMAND");
        });
        out.put("Truncated", false);
    }

    // ---- policies ----

    private static String policyName(JsonNode in, TrailFacts t) {
        String name = text(in, "PolicyName", "default");
        t.parameters.put("policyName", name);
        if (!"default".equals(name)) throw KmsException.notFound("No such policy exists");
        return name;
    }

    private void getKeyPolicy(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:GetKeyPolicy", t);
        out.put("Policy", k.policy()).put("PolicyName", policyName(in, t));
    }

    private void listKeyPolicies(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        key(c, in, "KeyId", "kms:ListKeyPolicies", t);
        out.putArray("PolicyNames").add("default");
        out.put("Truncated", false);
    }

    private void putKeyPolicy(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:PutKeyPolicy", t);
        policyName(in, t);
        String policy = required(in, "Policy");
        boolean bypass = bool(in, "BypassPolicyLockoutSafetyCheck");
        t.parameters.put("policy", policy);
        t.parameters.put("bypassPolicyLockoutSafetyCheck", Boolean.toString(bypass));
        keys.requireCustomerManaged(k, "PutKeyPolicy");
        KeyService.parsePolicy(policy);
        if (!bypass && !callerCanManage(c, policy, k.accountId())) {
            throw new KmsException(
                    KmsException.MALFORMED_POLICY,
                    "The new key policy will not allow you to update the key policy in the future.");
        }
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("accountAccessBefore", accountCanManage(k.policy(), k.accountId()));
        change.put("accountAccessAfter", accountCanManage(policy, k.accountId()));
        t.additional.put(POLICY_CHANGE, change);
        keys.putPolicy(k, policy);
    }

    /** AWS's lockout safety check: the caller could still call PutKeyPolicy under the new policy. */
    private boolean callerCanManage(Caller c, String policy, String account) {
        KmsKey probe = new KmsKey(
                UUID.randomUUID().toString(),
                account,
                "",
                KmsKey.ENABLED,
                "CUSTOMER",
                0,
                null,
                false,
                365,
                null,
                1,
                policy);
        return keys.allowed(c, "kms:PutKeyPolicy", probe, Map.of());
    }

    /** Whether the policy lets the account (its root, and through IAM its administrators) manage the key. */
    private boolean accountCanManage(String policy, String account) {
        KmsKey probe = new KmsKey(
                UUID.randomUUID().toString(),
                account,
                "",
                KmsKey.ENABLED,
                "CUSTOMER",
                0,
                null,
                false,
                365,
                null,
                1,
                policy);
        Principal root = new Principal(
                "Root", account, "arn:aws:iam::" + account + ":root", account, "", "", java.util.Optional.empty());
        return keys.allowed(new Caller(root, "", true, Instant.now(), null), "kms:PutKeyPolicy", probe, Map.of());
    }

    // ---- grants ----

    private void createGrant(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:CreateGrant", t);
        String grantee = required(in, "GranteePrincipal");
        t.parameters.put("granteePrincipal", grantee);
        String retiring = text(in, "RetiringPrincipal", "");
        if (!retiring.isEmpty()) t.parameters.put("retiringPrincipal", retiring);
        JsonNode ops = in.get("Operations");
        if (ops == null || !ops.isArray() || ops.isEmpty()) throw KmsException.validation("Operations is required.");
        List<String> operations = new ArrayList<>();
        ArrayNode opsTrail = JSON.createArrayNode();
        for (JsonNode o : ops) {
            if (!KmsGrants.OPERATIONS.contains(o.asText())) {
                throw KmsException.validation("1 validation error detected: Value '[" + o.asText()
                        + "]' at 'operations' failed to satisfy constraint");
            }
            if (!operations.contains(o.asText())) operations.add(o.asText());
            opsTrail.add(o.asText());
        }
        t.documents.put("operations", opsTrail);
        JsonNode constraints = in.get("Constraints");
        if (constraints != null && !constraints.isNull()) t.documents.put("constraints", constraints);
        String name = text(in, "Name", "");
        String id = java.util.HexFormat.of().formatHex(randomBytes(32));
        keys.store()
                .insertGrant(new KeyStore.Grant(
                        id,
                        k.keyId(),
                        name,
                        grantee,
                        retiring,
                        operations,
                        constraints == null || constraints.isNull() ? "" : constraints.toString(),
                        c.principal().accountId(),
                        keys.now()));
        t.response.put("grantId", id);
        out.put("GrantId", id).put("GrantToken", Base64.getEncoder().encodeToString(randomBytes(48)));
    }

    private void listGrants(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:ListGrants", t);
        ArrayNode list = out.putArray("Grants");
        for (KeyStore.Grant g : keys.store().grants(k.keyId())) {
            ObjectNode o = list.addObject()
                    .put("KeyId", k.arn(keys.region()))
                    .put("GrantId", g.grantId())
                    .put("Name", g.name())
                    .put("CreationDate", g.created() / 1000.0)
                    .put("GranteePrincipal", g.grantee())
                    .put("IssuingAccount", "arn:aws:iam::" + g.issuer() + ":root");
            if (!g.retiring().isEmpty()) o.put("RetiringPrincipal", g.retiring());
            ArrayNode ops = o.putArray("Operations");
            g.operations().forEach(ops::add);
            if (!g.constraints().isEmpty()) {
                try {
                    o.set("Constraints", JSON.readTree(g.constraints()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        out.put("Truncated", false);
    }

    private void revokeGrant(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:RevokeGrant", t);
        String id = required(in, "GrantId");
        t.parameters.put("grantId", id);
        if (!keys.store().deleteGrant(k.keyId(), id))
            throw new KmsException(KmsException.NOT_FOUND, "Grant ID " + id + " not found");
    }

    // ---- tags ----

    private void tagResource(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:TagResource", t);
        Map<String, String> tags = tags(in.get("Tags"));
        if (tags.isEmpty()) throw KmsException.validation("Tags is required.");
        if (keys.tags(k).size() + tags.size() > 50)
            throw new KmsException(KmsException.TAG, "Too many tags: at most 50 per key.");
        keys.store().putTags(k.keyId(), tags);
    }

    private void untagResource(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:UntagResource", t);
        JsonNode ks = in.get("TagKeys");
        if (ks == null || !ks.isArray()) throw KmsException.validation("TagKeys is required.");
        List<String> names = new ArrayList<>();
        ks.forEach(n -> names.add(n.asText()));
        keys.store().removeTags(k.keyId(), names);
    }

    private void listResourceTags(Caller c, JsonNode in, ObjectNode out, TrailFacts t) {
        KmsKey k = key(c, in, "KeyId", "kms:ListResourceTags", t);
        ArrayNode list = out.putArray("Tags");
        keys.tags(k).forEach((tk, tv) -> list.addObject().put("TagKey", tk).put("TagValue", tv));
        out.put("Truncated", false);
    }

    private static Map<String, String> tags(@Nullable JsonNode tags) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tags == null || tags.isNull()) return out;
        if (!tags.isArray()) throw KmsException.validation("Tags must be a list.");
        for (JsonNode tag : tags) {
            String k = tag.path("TagKey").asText("");
            String v = tag.path("TagValue").asText("");
            if (k.isEmpty() || k.length() > 128 || v.length() > 256)
                throw new KmsException(KmsException.TAG, "Invalid tag: " + k);
            if (k.startsWith("aws:"))
                throw new KmsException(KmsException.TAG, "Tags beginning with aws: are reserved.");
            out.put(k, v);
        }
        return out;
    }

    // ---- helpers ----

    /** Resolves the key named by {@code field}, records it, and authorises {@code action} on it (when given). */
    private KmsKey key(Caller c, JsonNode in, String field, @Nullable String action, TrailFacts t) {
        String ref = required(in, field);
        t.parameters.put(Character.toLowerCase(field.charAt(0)) + field.substring(1), ref);
        KmsKey k = keys.resolve(c.principal().accountId(), ref);
        t.additional.put(KEY_ARN, k.arn(keys.region()));
        if (action != null) keys.authorize(c, action, k, Map.of());
        return k;
    }

    /** Actions on no particular key (CreateKey, ListKeys, ListAliases): IAM policies alone decide. */
    private void authorizeIdentity(Caller c, String action) {
        Principal p = c.principal();
        RequestContext ctx = new RequestContext(
                action,
                "*",
                Permissions.contextPrincipal(p),
                p.accountId(),
                Permissions.globalKeys(p, c.now(), c.secure(), c.sourceIp(), keys.region()));
        Decision d = keys.permissions().decideIdentityOnly(p, ctx);
        if (!d.allowed()) {
            throw new KmsException(
                    KmsException.ACCESS_DENIED,
                    "User: " + p.arn() + " is not authorized to perform: " + action
                            + " on resource: * because no identity-based policy allows the " + action + " action");
        }
    }

    private static void algorithm(JsonNode in, TrailFacts t) {
        String a = text(in, "EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        t.parameters.put("encryptionAlgorithm", a);
        if (!"SYMMETRIC_DEFAULT".equals(a)) {
            throw new KmsException(
                    KmsException.VALIDATION,
                    "1 validation error detected: Value '" + a
                            + "' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT]");
        }
    }

    private static Map<String, String> context(JsonNode in, String field, TrailFacts t, String trailName) {
        JsonNode c = in.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (c == null || c.isNull()) return out;
        if (!c.isObject()) throw KmsException.validation(field + " must be a map of strings.");
        for (Iterator<Map.Entry<String, JsonNode>> it = c.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) throw KmsException.validation(field + " must be a map of strings.");
            out.put(e.getKey(), e.getValue().asText());
        }
        t.documents.put(trailName, c);
        return out;
    }

    private static byte[] blob(JsonNode in, String field, int max) {
        String b = required(in, field);
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(b);
        } catch (IllegalArgumentException e) {
            throw new KmsException(KmsException.SERIALIZATION, "Could not base64-decode " + field + ".");
        }
        if (raw.length < 1 || raw.length > max) {
            throw KmsException.validation("1 validation error detected: Value at '"
                    + Character.toLowerCase(field.charAt(0)) + field.substring(1)
                    + "' failed to satisfy constraint: Member must have length between 1 and " + max);
        }
        return raw;
    }

    private static List<Object> page(List<Object> all, JsonNode in, ObjectNode out) {
        int limit = in.hasNonNull("Limit") ? in.get("Limit").asInt(100) : 100;
        if (limit < 1 || limit > 1000)
            throw KmsException.validation(
                    "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000");
        int from = 0;
        if (in.hasNonNull("Marker")) {
            try {
                from = Integer.parseInt(in.get("Marker").asText());
            } catch (NumberFormatException e) {
                throw new KmsException(KmsException.INVALID_MARKER, "Invalid marker.");
            }
            if (from < 0 || from > all.size()) throw new KmsException(KmsException.INVALID_MARKER, "Invalid marker.");
        }
        int to = Math.min(all.size(), from + limit);
        boolean truncated = to < all.size();
        out.put("Truncated", truncated);
        if (truncated) out.put("NextMarker", Integer.toString(to));
        return all.subList(from, to);
    }

    private static String required(JsonNode in, String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw KmsException.validation(
                    "1 validation error detected: Value null at '" + Character.toLowerCase(field.charAt(0))
                            + field.substring(1) + "' failed to satisfy constraint: Member must not be null");
        }
        return v.asText();
    }

    private static String text(JsonNode in, String field, String dflt) {
        return optionalText(in, field).orElse(dflt);
    }

    /** The field's text; empty when the request leaves it out (or sends null). */
    private static Optional<String> optionalText(JsonNode in, String field) {
        JsonNode v = in.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private static boolean bool(JsonNode in, String field) {
        JsonNode v = in.get(field);
        return v != null && v.asBoolean(false);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }
}
