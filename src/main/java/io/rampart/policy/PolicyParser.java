package io.rampart.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Parses and validates policy JSON into a compiled {@link PolicyDocument}. Messages are AWS's. */
final class PolicyParser {

    static final String SYNTAX = "Syntax errors in policy.";
    static final String S3_SYNTAX = "Policies must be valid JSON and the first byte must be '{'";
    static final String TOO_LARGE = "Policy exceeds the maximum allowed document size.";
    static final String BAD_VERSION = "The policy failed legacy parsing";
    static final String MISSING_STATEMENT = "Missing required field Statement";
    static final String MISSING_EFFECT = "Missing required field Effect";
    static final String MISSING_ACTION = "Missing required field Action";
    static final String MISSING_RESOURCE = "Missing required field Resource";
    static final String MISSING_PRINCIPAL = "Missing required field Principal";
    static final String MISSING_VERSION = "Missing required field Version";
    static final String INVALID_EFFECT = "Invalid effect";
    static final String INVALID_ACTION = "Policy has invalid action";
    static final String INVALID_RESOURCE = "Policy has invalid resource";
    static final String INVALID_PRINCIPAL = "Invalid principal in policy";
    static final String NO_PRINCIPAL_ALLOWED = "Policy document should not specify a principal.";
    static final String PROHIBITED_RESOURCE = "Has prohibited field Resource";
    static final String UNKNOWN_OPERATOR = "Unknown condition operator";
    static final String INVALID_CONDITION_KEY = "Policy has an invalid condition key";
    static final String INVALID_CONDITION_VALUE = "Invalid condition value";
    static final String DUPLICATE_SID = "Statement IDs (SID) in a single policy must be unique.";
    static final String UNKNOWN_FIELD = "Policy has an unknown field";
    static final String BOTH_ACTION = "Statement cannot contain both Action and NotAction";
    static final String BOTH_RESOURCE = "Statement cannot contain both Resource and NotResource";
    static final String BOTH_PRINCIPAL = "Statement cannot contain both Principal and NotPrincipal";
    static final String NOT_PRINCIPAL_WITH_ALLOW = "NotPrincipal must be used with \"Effect\":\"Deny\"";
    static final String RCP_ALLOW = "The effect of Allow is only supported for the RCPFullAWSAccess policy";
    static final String RCP_NOT_ACTION = "NotAction is not supported in resource control policies";

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private static final Set<String> TOP = Set.of("Version", "Id", "Statement");
    private static final Set<String> STMT = Set.of(
            "Sid",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition");
    private static final Pattern ACTION = Pattern.compile("[A-Za-z0-9-]+:[A-Za-z0-9*?_.-]+");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern AWS_PRINCIPAL_ARN = Pattern.compile("arn:aws[a-z-]*:(iam|sts)::(\\d{12}):([^*?\\s]+)");

    private PolicyParser() {}

    static PolicyDocument parse(@Nullable String json, PolicyKind kind, Optional<String> name) {
        if (json == null) throw new MalformedPolicyException(kind == PolicyKind.RESOURCE ? S3_SYNTAX : SYNTAX);
        int size = sizeWithoutWhitespace(json);
        switch (kind) {
            case RESOURCE -> {
                if (json.getBytes(StandardCharsets.UTF_8).length > PolicyDocument.MAX_BUCKET_POLICY_BYTES) {
                    throw new MalformedPolicyException(TOO_LARGE);
                }
            }
            case SCP, RCP -> {
                if (json.length() > PolicyDocument.MAX_ORGANIZATIONS_POLICY)
                    throw new MalformedPolicyException(TOO_LARGE);
            }
            case BOUNDARY -> {
                if (size > PolicyDocument.MAX_MANAGED) {
                    throw new MalformedPolicyException(
                            "Cannot exceed quota for PolicySize: " + PolicyDocument.MAX_MANAGED);
                }
            }
            default -> {
                /* per-entity limits are the caller's, via size() */
            }
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedPolicyException(kind == PolicyKind.RESOURCE ? S3_SYNTAX : SYNTAX);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedPolicyException(kind == PolicyKind.RESOURCE ? S3_SYNTAX : SYNTAX);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            if (!TOP.contains(it.next())) throw new MalformedPolicyException(UNKNOWN_FIELD);
        }
        String version = PolicyDocument.VERSION_2008;
        JsonNode v = root.get("Version");
        if (v == null) {
            if (kind == PolicyKind.SCP || kind == PolicyKind.RCP) throw new MalformedPolicyException(MISSING_VERSION);
        } else {
            if (!v.isTextual()
                    || !(v.asText().equals(PolicyDocument.VERSION_2012)
                            || v.asText().equals(PolicyDocument.VERSION_2008))) {
                throw new MalformedPolicyException(BAD_VERSION);
            }
            version = v.asText();
            if ((kind == PolicyKind.SCP || kind == PolicyKind.RCP) && !version.equals(PolicyDocument.VERSION_2012)) {
                throw new MalformedPolicyException(BAD_VERSION);
            }
        }
        Optional<String> id = Optional.empty();
        JsonNode idNode = root.get("Id");
        if (idNode != null) {
            if (!idNode.isTextual()) throw new MalformedPolicyException(SYNTAX);
            id = Optional.of(idNode.asText());
        }
        JsonNode st = root.get("Statement");
        if (st == null || st.isNull()) throw new MalformedPolicyException(MISSING_STATEMENT);
        List<JsonNode> raw = new ArrayList<>();
        if (st.isObject()) {
            raw.add(st);
        } else if (st.isArray()) {
            st.forEach(raw::add);
        } else {
            throw new MalformedPolicyException(SYNTAX);
        }
        if (raw.isEmpty()) throw new MalformedPolicyException(MISSING_STATEMENT);
        boolean variables = version.equals(PolicyDocument.VERSION_2012);
        Optional<String> label = name.isPresent() ? name : id;
        List<Statement> statements = new ArrayList<>(raw.size());
        Set<String> sids = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            JsonNode s = raw.get(i);
            if (!s.isObject()) throw new MalformedPolicyException(SYNTAX);
            Statement compiled = statement(s, i, kind, variables, label);
            if (compiled.sid().isPresent() && !sids.add(compiled.sid().get())) {
                throw new MalformedPolicyException(DUPLICATE_SID);
            }
            statements.add(compiled);
        }
        return new PolicyDocument(kind, name, version, id, statements, size, json);
    }

    private static Statement statement(
            JsonNode s, int index, PolicyKind kind, boolean variables, Optional<String> label) {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            if (!STMT.contains(it.next())) throw new MalformedPolicyException(UNKNOWN_FIELD);
        }
        Optional<String> sid = Optional.empty();
        JsonNode sidNode = s.get("Sid");
        if (sidNode != null) {
            if (!sidNode.isTextual()) throw new MalformedPolicyException(SYNTAX);
            sid = Optional.of(sidNode.asText());
        }
        JsonNode eff = s.get("Effect");
        if (eff == null) throw new MalformedPolicyException(MISSING_EFFECT);
        Effect effect = switch (eff.isTextual() ? eff.asText() : "") {
            case "Allow" -> Effect.ALLOW;
            case "Deny" -> Effect.DENY;
            default -> throw new MalformedPolicyException(INVALID_EFFECT);
        };

        // Principal
        JsonNode pr = s.get("Principal");
        JsonNode npr = s.get("NotPrincipal");
        PrincipalMatcher principal = null;
        boolean notPrincipal = false;
        switch (kind) {
            case IDENTITY, SESSION, BOUNDARY, SCP -> {
                if (pr != null || npr != null) throw new MalformedPolicyException(NO_PRINCIPAL_ALLOWED);
            }
            case RESOURCE, TRUST, RCP -> {
                if (pr != null && npr != null) throw new MalformedPolicyException(BOTH_PRINCIPAL);
                if (pr == null && npr == null) throw new MalformedPolicyException(MISSING_PRINCIPAL);
                if (npr != null) {
                    if (kind != PolicyKind.RESOURCE) throw new MalformedPolicyException(INVALID_PRINCIPAL);
                    if (effect == Effect.ALLOW) throw new MalformedPolicyException(NOT_PRINCIPAL_WITH_ALLOW);
                    notPrincipal = true;
                }
                principal = principal(pr != null ? pr : npr);
                if (kind == PolicyKind.RCP
                        && !(pr != null && pr.isTextual() && pr.asText().equals("*"))) {
                    throw new MalformedPolicyException(INVALID_PRINCIPAL);
                }
            }
        }

        // Action
        JsonNode ac = s.get("Action");
        JsonNode nac = s.get("NotAction");
        if (ac != null && nac != null) throw new MalformedPolicyException(BOTH_ACTION);
        if (ac == null && nac == null) throw new MalformedPolicyException(MISSING_ACTION);
        if (nac != null && kind == PolicyKind.RCP) throw new MalformedPolicyException(RCP_NOT_ACTION);
        List<String> actionTexts = strings(ac != null ? ac : nac, INVALID_ACTION);
        List<Glob> actions = new ArrayList<>(actionTexts.size());
        for (String a : actionTexts) {
            if (!a.equals("*") && !ACTION.matcher(a).matches()) throw new MalformedPolicyException(INVALID_ACTION);
            actions.add(Glob.compile(a, true));
        }

        // Resource
        JsonNode rs = s.get("Resource");
        JsonNode nrs = s.get("NotResource");
        List<Template> resources = null;
        if (kind == PolicyKind.TRUST) {
            if (rs != null || nrs != null) throw new MalformedPolicyException(PROHIBITED_RESOURCE);
        } else {
            if (rs != null && nrs != null) throw new MalformedPolicyException(BOTH_RESOURCE);
            if (rs == null && nrs == null) throw new MalformedPolicyException(MISSING_RESOURCE);
            List<String> texts = strings(rs != null ? rs : nrs, INVALID_RESOURCE);
            resources = new ArrayList<>(texts.size());
            for (String r : texts) {
                if (!validResource(r)) throw new MalformedPolicyException(INVALID_RESOURCE);
                resources.add(Template.parseResource(r, variables));
            }
        }

        List<Condition> conditions = conditions(s.get("Condition"), variables);

        if (kind == PolicyKind.RCP && effect == Effect.ALLOW) {
            boolean fullAccess = actionTexts.equals(List.of("*"))
                    && rs != null
                    && strings(rs, INVALID_RESOURCE).equals(List.of("*"))
                    && conditions.isEmpty();
            if (!fullAccess) throw new MalformedPolicyException(RCP_ALLOW);
        }

        Deciding deciding = new Deciding(kind, label, sid, index);
        return new Statement(
                sid,
                index,
                effect,
                principal,
                notPrincipal,
                actions,
                nac != null,
                resources,
                nrs != null,
                conditions,
                deciding);
    }

    private static boolean validResource(String r) {
        if (r.equals("*")) return true;
        if (!r.startsWith("arn:")) return false;
        // arn:partition:service:region:account:resource
        int colons = 0;
        for (int i = 0; i < r.length() && colons < 5; i++) {
            if (r.charAt(i) == ':') colons++;
        }
        return colons >= 5;
    }

    private static PrincipalMatcher principal(JsonNode node) {
        if (node.isTextual()) {
            if (node.asText().equals("*")) {
                return new PrincipalMatcher(true, List.of(), List.of(), List.of(), List.of(), List.of());
            }
            throw new MalformedPolicyException(INVALID_PRINCIPAL);
        }
        if (!node.isObject() || node.isEmpty()) throw new MalformedPolicyException(INVALID_PRINCIPAL);
        boolean any = false;
        List<String> arns = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        List<String> services = new ArrayList<>();
        List<String> federated = new ArrayList<>();
        List<String> canonical = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            List<String> values = strings(e.getValue(), INVALID_PRINCIPAL);
            switch (e.getKey()) {
                case "AWS" -> {
                    for (String v : values) {
                        if (v.equals("*")) {
                            any = true;
                        } else if (ACCOUNT.matcher(v).matches()) {
                            accounts.add(v);
                        } else {
                            var m = AWS_PRINCIPAL_ARN.matcher(v);
                            if (!m.matches()) throw new MalformedPolicyException(INVALID_PRINCIPAL);
                            if (m.group(1).equals("iam") && m.group(3).equals("root")) {
                                accounts.add(m.group(2));
                            } else {
                                arns.add(v);
                            }
                        }
                    }
                }
                case "Service" -> {
                    for (String v : values) {
                        if (v.isBlank() || v.contains("*")) throw new MalformedPolicyException(INVALID_PRINCIPAL);
                        services.add(v);
                    }
                }
                case "Federated" -> {
                    for (String v : values) {
                        if (v.isBlank() || v.contains("*")) throw new MalformedPolicyException(INVALID_PRINCIPAL);
                        federated.add(v);
                    }
                }
                case "CanonicalUser" -> {
                    for (String v : values) {
                        if (v.isBlank() || v.contains("*")) throw new MalformedPolicyException(INVALID_PRINCIPAL);
                        canonical.add(v);
                    }
                }
                default -> throw new MalformedPolicyException(INVALID_PRINCIPAL);
            }
        }
        return new PrincipalMatcher(any, arns, accounts, services, federated, canonical);
    }

    private static List<Condition> conditions(JsonNode node, boolean variables) {
        if (node == null) return List.of();
        if (!node.isObject()) throw new MalformedPolicyException(SYNTAX);
        List<Condition> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            var block = it.next();
            String opName = block.getKey();
            Condition.SetQualifier q = Condition.SetQualifier.NONE;
            if (opName.startsWith("ForAnyValue:")) {
                q = Condition.SetQualifier.FOR_ANY_VALUE;
                opName = opName.substring("ForAnyValue:".length());
            } else if (opName.startsWith("ForAllValues:")) {
                q = Condition.SetQualifier.FOR_ALL_VALUES;
                opName = opName.substring("ForAllValues:".length());
            }
            boolean ifExists = false;
            Optional<ConditionOperator> op = ConditionOperator.byName(opName);
            if (op.isEmpty() && opName.endsWith("IfExists")) {
                op = ConditionOperator.byName(opName.substring(0, opName.length() - "IfExists".length()));
                ifExists = true;
            }
            if (op.isEmpty() || (ifExists && op.get() == ConditionOperator.NULL)) {
                throw new MalformedPolicyException(UNKNOWN_OPERATOR);
            }
            if (!block.getValue().isObject()) throw new MalformedPolicyException(SYNTAX);
            for (Iterator<Map.Entry<String, JsonNode>> keys =
                            block.getValue().properties().iterator();
                    keys.hasNext(); ) {
                var k = keys.next();
                String key = k.getKey();
                if (key.isBlank() || key.indexOf(':') <= 0) throw new MalformedPolicyException(INVALID_CONDITION_KEY);
                List<String> values = scalars(k.getValue());
                out.add(Condition.compile(op.get(), q, ifExists, key, values, variables)
                        .orElseThrow(() -> new MalformedPolicyException(INVALID_CONDITION_VALUE)));
            }
        }
        return out;
    }

    /** A string or a non-empty array of strings. */
    private static List<String> strings(JsonNode n, String error) {
        if (n.isTextual()) return List.of(n.asText());
        if (!n.isArray() || n.isEmpty()) throw new MalformedPolicyException(error);
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isTextual()) throw new MalformedPolicyException(error);
            out.add(e.asText());
        }
        return out;
    }

    /** Condition values: a string, number or boolean, or a non-empty array of them. */
    private static List<String> scalars(JsonNode n) {
        if (n.isValueNode() && !n.isNull()) return List.of(n.asText());
        if (!n.isArray() || n.isEmpty()) throw new MalformedPolicyException(INVALID_CONDITION_VALUE);
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isValueNode() || e.isNull()) throw new MalformedPolicyException(INVALID_CONDITION_VALUE);
            out.add(e.asText());
        }
        return out;
    }

    /** IAM counts characters, not white space outside string literals. */
    static int sizeWithoutWhitespace(String json) {
        int n = 0;
        boolean inString = false;
        boolean escape = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                n++;
                if (escape) escape = false;
                else if (c == '\\') escape = true;
                else if (c == '"') inString = false;
            } else if (!Character.isWhitespace(c)) {
                n++;
                if (c == '"') inString = true;
            }
        }
        return n;
    }
}
