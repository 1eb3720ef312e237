package io.rampart.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Grant operations and constraints as AWS defines them. */
final class KmsGrants {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> OPERATIONS = Set.of(
            "Decrypt",
            "Encrypt",
            "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext",
            "ReEncryptFrom",
            "ReEncryptTo",
            "CreateGrant",
            "RetireGrant",
            "DescribeKey",
            "GenerateDataKeyPair",
            "GenerateDataKeyPairWithoutPlaintext",
            "Sign",
            "Verify",
            "GetPublicKey",
            "GenerateMac",
            "VerifyMac",
            "DeriveSharedSecret");

    private KmsGrants() {}

    /** EncryptionContextSubset: every pair is in the request's context; EncryptionContextEquals: the context is exactly it. */
    static boolean constraintsHold(String constraints, Map<String, String> context) {
        if (constraints == null || constraints.isEmpty() || constraints.equals("{}")) return true;
        JsonNode c;
        try {
            c = JSON.readTree(constraints);
        } catch (IOException e) {
            return false;
        }
        Map<String, String> ctx = context == null ? Map.of() : context;
        JsonNode subset = c.get("EncryptionContextSubset");
        if (subset != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = subset.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().asText().equals(ctx.get(e.getKey()))) return false;
            }
        }
        JsonNode equals = c.get("EncryptionContextEquals");
        if (equals != null) {
            Map<String, String> want = new HashMap<>();
            equals.properties().forEach(e -> want.put(e.getKey(), e.getValue().asText()));
            if (!want.equals(ctx)) return false;
        }
        return true;
    }
}
