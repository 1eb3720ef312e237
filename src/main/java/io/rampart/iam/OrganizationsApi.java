package io.rampart.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.policy.Decision;
import io.rampart.policy.MalformedPolicyException;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import io.rampart.policy.RequestContext;
import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Organizations subset guardrails need (JSON 1.1 protocol, {@code X-Amz-Target: AWSOrganizationsV20161128.Action}):
 * the organisation, its root and organisational units, where accounts sit, enabling SCPs and RCPs, their policies and
 * where they are attached, and the tags of all of these. Every List action pages through {@link OrgPages}.
 */
public final class OrganizationsApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OU_ID = "ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}";
    private static final Pattern PARENT_ID = Pattern.compile("r-[0-9a-z]{4,32}|" + OU_ID);
    private static final Pattern CHILD_ID = Pattern.compile("\\d{12}|" + OU_ID);
    private static final Pattern UNIT_ID = Pattern.compile(OU_ID);
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern TARGET_ID = Pattern.compile("r-[0-9a-z]{4,32}|\\d{12}|" + OU_ID);
    /** TagResource's ResourceId: a root, an account, an OU or a policy. */
    private static final Pattern TAGGABLE_ID =
            Pattern.compile("r-[0-9a-z]{4,32}|\\d{12}|" + OU_ID + "|p-[0-9a-zA-Z_]{8,128}");

    private static final Set<String> MEMBER_ACTIONS =
            Set.of("organizations:DescribeOrganization", "organizations:CreateOrganization");

    private final IamStore store;
    private final Organization org;
    private final Permissions permissions;
    private final String region;
    private final Map<String, Action> actions;
    private final OrgAccountsApi accounts;
    private final OrgPages pages;

    public OrganizationsApi(IamStore store, Organization org, Permissions permissions, String region) {
        this.store = store;
        this.org = org;
        this.permissions = permissions;
        this.region = region;
        this.pages = store.orgPages();
        this.accounts = new OrgAccountsApi(store.orgAccounts(), org, pages, (c, a, k) -> authorize(c, a, "*", k));
        this.actions = table();
    }

    /** One Organizations action: reads its JSON input, writes its JSON output. */
    @FunctionalInterface
    private interface Action {
        void handle(Call c, JsonNode in, ObjectNode out);
    }

    private Map<String, Action> table() {
        Map<String, Action> t = new LinkedHashMap<>();
        t.put("CreateOrganization", this::createOrganization);
        t.put("DescribeOrganization", this::describeOrganization);
        t.put("ListRoots", this::listRoots);
        t.put("ListAccounts", accounts::listAccounts);
        t.put("DescribeAccount", accounts::describeAccount);
        t.put("CreateAccount", accounts::createAccount);
        t.put("DescribeCreateAccountStatus", accounts::describeCreateAccountStatus);
        t.put("ListCreateAccountStatus", accounts::listCreateAccountStatus);
        t.put("CloseAccount", accounts::closeAccount);
        t.put("EnablePolicyType", this::setPolicyType);
        t.put("DisablePolicyType", this::setPolicyType);
        t.put("CreatePolicy", this::createPolicy);
        t.put("UpdatePolicy", this::updatePolicy);
        t.put("DescribePolicy", this::describePolicy);
        t.put("DeletePolicy", this::deletePolicy);
        t.put("ListPolicies", this::listPolicies);
        t.put("AttachPolicy", this::attachOrDetach);
        t.put("DetachPolicy", this::attachOrDetach);
        t.put("ListPoliciesForTarget", this::listPoliciesForTarget);
        t.put("ListTargetsForPolicy", this::listTargetsForPolicy);
        t.put("CreateOrganizationalUnit", this::createOrganizationalUnit);
        t.put("DescribeOrganizationalUnit", this::describeOrganizationalUnit);
        t.put("UpdateOrganizationalUnit", this::updateOrganizationalUnit);
        t.put("DeleteOrganizationalUnit", this::deleteOrganizationalUnit);
        t.put("ListOrganizationalUnitsForParent", this::listOrganizationalUnitsForParent);
        t.put("ListAccountsForParent", this::listAccountsForParent);
        t.put("ListChildren", this::listChildren);
        t.put("ListParents", this::listParents);
        t.put("MoveAccount", this::moveAccount);
        t.put("TagResource", this::tagResource);
        t.put("UntagResource", this::untagResource);
        t.put("ListTagsForResource", this::listTagsForResource);
        return Collections.unmodifiableMap(t);
    }

    /** The actions this API answers, in registration order. */
    public Set<String> actions() {
        return actions.keySet();
    }

    /** A JSON 1.1 request: the action (from X-Amz-Target) and its JSON body. */
    public record Call(String action, byte[] body, Principal caller, String sourceIp, boolean secure, Instant now) {}

    public byte[] handle(Call c) {
        JsonNode in;
        try {
            in = c.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(c.body());
        } catch (IOException e) {
            throw new IamException(IamErrorCode.SERIALIZATION, "The request body is not valid JSON.");
        }
        if (in == null || !in.isObject())
            throw new IamException(IamErrorCode.SERIALIZATION, "The request body must be a JSON object.");
        Action action = actions.get(c.action());
        if (action == null) {
            throw new IamException(
                    IamErrorCode.UNKNOWN_OPERATION, "The action " + c.action() + " is not valid for this web service.");
        }
        ObjectNode out = JSON.createObjectNode();
        action.handle(c, in, out);
        try {
            return JSON.writeValueAsBytes(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void createOrganization(Call c, JsonNode in, ObjectNode out) {
        String account = c.caller().accountId();
        authorize(c, "organizations:CreateOrganization", "*");
        Organization.Info created = org.create(account);
        store.orgAccounts().ensureManagement(created);
        organization(out.putObject("Organization"), created);
    }

    private void describeOrganization(Call c, JsonNode in, ObjectNode out) {
        authorize(c, "organizations:DescribeOrganization", "*");
        organization(out.putObject("Organization"), org.require());
    }

    private void listRoots(Call c, JsonNode in, ObjectNode out) {
        authorize(c, "organizations:ListRoots", "*");
        Organization.Info i = org.require();
        ArrayNode roots = out.putArray("Roots");
        if (page(c, List.of(i), in, out).isEmpty()) return;
        ObjectNode root = roots.addObject();
        root.put("Id", i.rootId()).put("Arn", i.rootArn()).put("Name", "Root");
        ArrayNode types = root.putArray("PolicyTypes");
        if (i.scpEnabled()) types.addObject().put("Type", Organization.SCP).put("Status", "ENABLED");
        if (i.rcpEnabled()) types.addObject().put("Type", Organization.RCP).put("Status", "ENABLED");
    }

    private void setPolicyType(Call c, JsonNode in, ObjectNode out) {
        String a = c.action();
        String type = policyType(required(in, "PolicyType"));
        authorize(c, "organizations:" + a, "*");
        checkRoot(required(in, "RootId"));
        Organization.Info i = org.setPolicyType(type, a.equals("EnablePolicyType"), store.accounts());
        ObjectNode root = out.putObject("Root");
        root.put("Id", i.rootId()).put("Arn", i.rootArn()).put("Name", "Root");
    }

    private void createPolicy(Call c, JsonNode in, ObjectNode out) {
        Map<String, String> tags = OrgTags.parse(in.get("Tags"));
        authorize(c, "organizations:CreatePolicy", "*", OrgTags.requestKeys(tags));
        String type = policyType(required(in, "Type"));
        String content = checkContent(type, required(in, "Content"));
        Organization.Policy p = org.createPolicy(
                type, required(in, "Name"), optional(in, "Description").orElse(""), content, tags);
        policy(out.putObject("Policy"), p, org.require());
    }

    private void updatePolicy(Call c, JsonNode in, ObjectNode out) {
        String id = required(in, "PolicyId");
        authorize(c, "organizations:UpdatePolicy", "*", org.tags().conditionKeys(in, "PolicyId"));
        Organization.Policy before = org.policy(id);
        Optional<String> content = optional(in, "Content").map(x -> checkContent(before.type(), x));
        Organization.Policy p = org.updatePolicy(id, optional(in, "Name"), optional(in, "Description"), content);
        policy(out.putObject("Policy"), p, org.require());
    }

    private void describePolicy(Call c, JsonNode in, ObjectNode out) {
        String id = required(in, "PolicyId");
        authorize(c, "organizations:DescribePolicy", "*", org.tags().conditionKeys(in, "PolicyId"));
        policy(out.putObject("Policy"), org.policy(id), org.require());
    }

    private void deletePolicy(Call c, JsonNode in, ObjectNode out) {
        String id = required(in, "PolicyId");
        authorize(c, "organizations:DeletePolicy", "*", org.tags().conditionKeys(in, "PolicyId"));
        org.deletePolicy(id);
    }

    private void listPolicies(Call c, JsonNode in, ObjectNode out) {
        authorize(c, "organizations:ListPolicies", "*");
        Organization.Info i = org.require();
        ArrayNode list = out.putArray("Policies");
        for (Organization.Policy p : page(c, org.policies(policyType(required(in, "Filter"))), in, out))
            summary(list.addObject(), p, i);
    }

    private void attachOrDetach(Call c, JsonNode in, ObjectNode out) {
        String a = c.action();
        String id = required(in, "PolicyId");
        String target = checkTarget(required(in, "TargetId"));
        authorize(c, "organizations:" + a, "*");
        if (a.equals("AttachPolicy")) org.attach(id, target);
        else org.detach(id, target);
    }

    private void listPoliciesForTarget(Call c, JsonNode in, ObjectNode out) {
        String target = checkTarget(required(in, "TargetId"));
        authorize(c, "organizations:ListPoliciesForTarget", "*");
        Organization.Info i = org.require();
        ArrayNode list = out.putArray("Policies");
        for (Organization.Policy p : page(c, org.policiesFor(target, policyType(required(in, "Filter"))), in, out)) {
            summary(list.addObject(), p, i);
        }
    }

    private void listTargetsForPolicy(Call c, JsonNode in, ObjectNode out) {
        String id = required(in, "PolicyId");
        authorize(c, "organizations:ListTargetsForPolicy", "*");
        Organization.Info i = org.require();
        org.policy(id);
        ArrayNode list = out.putArray("Targets");
        for (String t : page(c, org.targetsOf(id), in, out)) {
            ObjectNode target = list.addObject().put("TargetId", t);
            if (t.equals(i.rootId())) {
                target.put("Arn", i.rootArn()).put("Name", "Root").put("Type", "ROOT");
            } else if (t.startsWith("ou-")) {
                target.put("Arn", i.unitArn(t)).put("Name", org.unit(t).name()).put("Type", "ORGANIZATIONAL_UNIT");
            } else {
                String name = store.orgAccounts()
                        .find(i, t)
                        .map(OrgAccounts.Account::name)
                        .orElse(t);
                target.put("Arn", i.accountArn(t)).put("Name", name).put("Type", "ACCOUNT");
            }
        }
    }

    // ---- Organisational units ----

    private void createOrganizationalUnit(Call c, JsonNode in, ObjectNode out) {
        Map<String, String> tags = OrgTags.parse(in.get("Tags"));
        authorize(c, "organizations:CreateOrganizationalUnit", "*", OrgTags.requestKeys(tags));
        String parent = id(in, "ParentId", PARENT_ID, "INVALID_PATTERN");
        String name = unitName(in);
        unit(out.putObject("OrganizationalUnit"), org.createUnit(parent, name, tags), org.require());
    }

    private void describeOrganizationalUnit(Call c, JsonNode in, ObjectNode out) {
        authorize(
                c,
                "organizations:DescribeOrganizationalUnit",
                "*",
                org.tags().conditionKeys(in, "OrganizationalUnitId"));
        String id = id(in, "OrganizationalUnitId", UNIT_ID, "INVALID_PATTERN");
        unit(out.putObject("OrganizationalUnit"), org.unit(id), org.require());
    }

    private void updateOrganizationalUnit(Call c, JsonNode in, ObjectNode out) {
        authorize(
                c, "organizations:UpdateOrganizationalUnit", "*", org.tags().conditionKeys(in, "OrganizationalUnitId"));
        String id = id(in, "OrganizationalUnitId", UNIT_ID, "INVALID_PATTERN");
        Organization.Unit u = optional(in, "Name").isEmpty() ? org.unit(id) : org.renameUnit(id, unitName(in));
        unit(out.putObject("OrganizationalUnit"), u, org.require());
    }

    private void deleteOrganizationalUnit(Call c, JsonNode in, ObjectNode out) {
        authorize(
                c, "organizations:DeleteOrganizationalUnit", "*", org.tags().conditionKeys(in, "OrganizationalUnitId"));
        String id = id(in, "OrganizationalUnitId", UNIT_ID, "INVALID_PATTERN");
        org.deleteUnit(id);
    }

    private void listOrganizationalUnitsForParent(Call c, JsonNode in, ObjectNode out) {
        authorize(c, "organizations:ListOrganizationalUnitsForParent", "*");
        String parent = id(in, "ParentId", PARENT_ID, "INVALID_PATTERN");
        Organization.Info i = org.require();
        ArrayNode list = out.putArray("OrganizationalUnits");
        for (Organization.Unit u : page(c, org.unitsUnder(parent), in, out)) unit(list.addObject(), u, i);
    }

    private void listAccountsForParent(Call c, JsonNode in, ObjectNode out) {
        authorize(c, "organizations:ListAccountsForParent", "*");
        String parent = id(in, "ParentId", PARENT_ID, "INVALID_PATTERN");
        Organization.Info i = org.require();
        ArrayNode list = out.putArray("Accounts");
        for (OrgAccounts.Account a : page(c, accountsUnder(i, parent), in, out))
            OrgAccountsApi.account(list.addObject(), a, i);
    }

    private void listChildren(Call c, JsonNode in, ObjectNode out) {
        authorize(c, "organizations:ListChildren", "*");
        String parent = id(in, "ParentId", PARENT_ID, "INVALID_PATTERN");
        String type = required(in, "ChildType");
        if (!type.equals("ACCOUNT") && !type.equals("ORGANIZATIONAL_UNIT")) {
            throw invalidInput("INVALID_ENUM", "You specified an invalid value.");
        }
        List<String> ids = type.equals("ACCOUNT")
                ? accountsUnder(org.require(), parent).stream()
                        .map(OrgAccounts.Account::id)
                        .toList()
                : org.unitsUnder(parent).stream().map(Organization.Unit::id).toList();
        ArrayNode list = out.putArray("Children");
        for (String id : page(c, ids, in, out)) list.addObject().put("Id", id).put("Type", type);
    }

    private void listParents(Call c, JsonNode in, ObjectNode out) {
        authorize(c, "organizations:ListParents", "*");
        String child = id(in, "ChildId", CHILD_ID, "INVALID_PATTERN");
        Organization.Info i = org.require();
        boolean account = !child.startsWith("ou-");
        if (account && !store.accounts().contains(child)) {
            throw new IamException(IamErrorCode.CHILD_NOT_FOUND, IamErrorCode.CHILD_NOT_FOUND.defaultMessage());
        }
        String parent = org.parentOf(child, account);
        page(c, List.of(parent), in, out);
        out.putArray("Parents")
                .addObject()
                .put("Id", parent)
                .put("Type", parent.equals(i.rootId()) ? "ROOT" : "ORGANIZATIONAL_UNIT");
    }

    private void moveAccount(Call c, JsonNode in, ObjectNode out) {
        authorize(c, "organizations:MoveAccount", "*");
        String account = id(in, "AccountId", ACCOUNT_ID, "INVALID_PATTERN");
        String source = id(in, "SourceParentId", PARENT_ID, "INVALID_PATTERN");
        String destination = id(in, "DestinationParentId", PARENT_ID, "INVALID_PATTERN");
        store.orgAccounts().require(org.require(), account);
        org.moveAccount(account, source, destination);
    }

    /** The organisation's accounts directly under a root or OU (ParentNotFoundException when there is none). */
    private List<OrgAccounts.Account> accountsUnder(Organization.Info i, String parent) {
        org.requireContainer(parent, IamErrorCode.PARENT_NOT_FOUND);
        return store.orgAccounts().all(i).stream()
                .filter(a -> a.parentId().equals(parent))
                .toList();
    }

    private static String unitName(JsonNode in) {
        String name = required(in, "Name");
        if (name.length() > 128) {
            throw invalidInput("MAX_LENGTH_EXCEEDED", "You provided a string parameter that is longer than allowed.");
        }
        return name;
    }

    /** One page of a List answer (MaxResults up to 20, NextToken). */
    private <T> List<T> page(Call c, List<T> all, JsonNode in, ObjectNode out) {
        return pages.page(c.action(), in, out, all);
    }

    // ---- Tags ----

    private void tagResource(Call c, JsonNode in, ObjectNode out) {
        Tagged r = taggable(in);
        if (in.get("Tags") == null || in.get("Tags").isNull())
            throw invalidInput("INPUT_REQUIRED", "You must specify Tags.");
        Map<String, String> tags = OrgTags.parse(in.get("Tags"));
        Map<String, List<String>> keys = org.tags().conditionKeys(r.id());
        keys.putAll(OrgTags.requestKeys(tags));
        authorize(c, "organizations:TagResource", r.arn(), keys);
        org.tags().tag(r.id(), tags);
    }

    private void untagResource(Call c, JsonNode in, ObjectNode out) {
        Tagged r = taggable(in);
        List<String> tagKeys = OrgTags.parseKeys(in.get("TagKeys"));
        Map<String, List<String>> keys = org.tags().conditionKeys(r.id());
        keys.put("aws:TagKeys", tagKeys);
        authorize(c, "organizations:UntagResource", r.arn(), keys);
        org.tags().untag(r.id(), tagKeys);
    }

    private void listTagsForResource(Call c, JsonNode in, ObjectNode out) {
        Tagged r = taggable(in);
        authorize(c, "organizations:ListTagsForResource", r.arn(), org.tags().conditionKeys(r.id()));
        ArrayNode list = out.putArray("Tags");
        List<Map.Entry<String, String>> all = List.copyOf(org.tags().of(r.id()).entrySet());
        // No MaxResults here: a resource has at most 50 tags, one page.
        for (Map.Entry<String, String> t : pages.page(c.action(), in, out, all, OrgTags.MAX_TAGS)) {
            list.addObject().put("Key", t.getKey()).put("Value", t.getValue());
        }
    }

    /** A taggable resource the request names: its id and ARN. */
    private record Tagged(String id, String arn) {}

    /** ResourceId: a root, account, OU or policy of the organisation (TargetNotFoundException when there is none). */
    private Tagged taggable(JsonNode in) {
        String id = required(in, "ResourceId");
        if (id.length() > 130 || !TAGGABLE_ID.matcher(id).matches()) {
            throw invalidInput(
                    "INVALID_PATTERN_TARGET_ID",
                    "You specified a resource ID that doesn't match the required pattern.");
        }
        Organization.Info i = org.require();
        if (id.equals(i.rootId())) return new Tagged(id, i.rootArn());
        if (id.startsWith("ou-") && org.isContainer(id)) return new Tagged(id, i.unitArn(id));
        if (id.startsWith("p-")) {
            Optional<Organization.Policy> p = org.findPolicy(id);
            if (p.isPresent() && p.get().awsManaged()) {
                throw invalidInput("TARGET_NOT_SUPPORTED", "You can't tag an AWS managed policy.");
            }
            if (p.isPresent()) return new Tagged(id, policyArn(p.get(), i));
        }
        if (ACCOUNT_ID.matcher(id).matches() && store.orgAccounts().find(i, id).isPresent())
            return new Tagged(id, i.accountArn(id));
        throw new IamException(
                IamErrorCode.TARGET_NOT_FOUND,
                "We can't find a root, OU, account, or policy with the TargetId that you specified.");
    }

    private static String id(JsonNode in, String field, Pattern pattern, String reason) {
        String v = required(in, field);
        if (!pattern.matcher(v).matches()) {
            throw invalidInput(reason, "You provided a value that doesn't match the required pattern.");
        }
        return v;
    }

    private static IamException invalidInput(String reason, String message) {
        return new IamException(IamErrorCode.ORG_INVALID_INPUT, message, Optional.of(reason));
    }

    private static void unit(ObjectNode o, Organization.Unit u, Organization.Info i) {
        o.put("Id", u.id()).put("Arn", i.unitArn(u.id())).put("Name", u.name());
    }

    /** The JSON 1.1 error body of an error that names its reason (ConstraintViolationException, InvalidInputException). */
    public static byte[] error(String code, String message, String reason) {
        ObjectNode o = JSON.createObjectNode()
                .put("__type", code)
                .put("Message", message)
                .put("Reason", reason);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON 1.1 error body. */
    public static byte[] error(String code, String message) {
        ObjectNode o = JSON.createObjectNode().put("__type", code).put("Message", message);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void authorize(Call c, String action, String resource) {
        authorize(c, action, resource, Map.of());
    }

    /** Authorises one action with the request's own condition keys (aws:RequestTag, aws:ResourceTag, aws:TagKeys). */
    private void authorize(Call c, String action, String resource, Map<String, List<String>> requestKeys) {
        Principal caller = c.caller();
        if (caller.isAnonymous())
            throw new IamException(IamErrorCode.ORG_ACCESS_DENIED, "Anonymous requests are not allowed.");
        // The organisation is managed from its management account; a member account may only describe it (and learn
        // it is already in one), whatever its own IAM policies grant.
        if (!MEMBER_ACTIONS.contains(action)
                && org.info()
                        .filter(i -> !i.managementAccount().equals(caller.accountId()))
                        .isPresent()) {
            throw new IamException(
                    IamErrorCode.ORG_ACCESS_DENIED, "You don't have permissions to access this resource.");
        }
        RequestContext ctx = new RequestContext(
                action,
                resource,
                Permissions.contextPrincipal(caller),
                caller.accountId(),
                withOrganizationKeys(
                        Permissions.globalKeys(caller, c.now(), c.secure(), c.sourceIp(), region),
                        caller,
                        requestKeys));
        Decision d = permissions.decideIdentityOnly(caller, ctx);
        if (!d.allowed()) {
            throw new IamException(
                    IamErrorCode.ORG_ACCESS_DENIED, "You don't have permissions to access this resource.");
        }
    }

    private Map<String, List<String>> withOrganizationKeys(
            Map<String, List<String>> keys, Principal caller, Map<String, List<String>> requestKeys) {
        keys.putAll(permissions.organizationKeys(caller));
        keys.putAll(requestKeys);
        return keys;
    }

    private static String policyType(String t) {
        if (!t.equals(Organization.SCP) && !t.equals(Organization.RCP)) {
            throw new IamException(
                    IamErrorCode.ORG_INVALID_INPUT,
                    "You provided a value that does not match the required "
                            + "pattern. Supported policy types: SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY.");
        }
        return t;
    }

    private static String checkContent(String type, String content) {
        if (content.length() > PolicyDocument.MAX_ORGANIZATIONS_POLICY) {
            throw new IamException(
                    IamErrorCode.CONSTRAINT_VIOLATION,
                    "The provided policy document exceeds the maximum size of "
                            + PolicyDocument.MAX_ORGANIZATIONS_POLICY + " characters.");
        }
        try {
            PolicyDocument.parse(content, type.equals(Organization.SCP) ? PolicyKind.SCP : PolicyKind.RCP);
        } catch (MalformedPolicyException e) {
            throw new IamException(IamErrorCode.ORG_MALFORMED_POLICY_DOCUMENT, e.getMessage());
        }
        return content;
    }

    private void checkRoot(String rootId) {
        if (!org.require().rootId().equals(rootId)) {
            throw new IamException(
                    IamErrorCode.ROOT_NOT_FOUND, "We can't find a root with the RootId that you specified.");
        }
    }

    private String checkTarget(String target) {
        if (!TARGET_ID.matcher(target).matches()) {
            throw invalidInput(
                    "INVALID_PATTERN_TARGET_ID",
                    "You specified a policy target ID that doesn't match the required pattern.");
        }
        Organization.Info i = org.require();
        if (target.equals(i.rootId()) || store.accounts().contains(target)) return target;
        if (target.startsWith("ou-") && org.isContainer(target)) return target;
        throw new IamException(
                IamErrorCode.TARGET_NOT_FOUND,
                "We can't find a root, OU, account, or policy with the TargetId that you specified.");
    }

    /** The field's text; refused when it is absent or empty. */
    private static String required(JsonNode in, String field) {
        return optional(in, field)
                .orElseThrow(() -> new IamException(IamErrorCode.ORG_INVALID_INPUT, "You must specify " + field + "."));
    }

    /** The field's text; empty when it is absent or empty. */
    private static Optional<String> optional(JsonNode in, String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) return Optional.empty();
        return Optional.of(v.asText());
    }

    private static void organization(ObjectNode o, Organization.Info i) {
        o.put("Id", i.id())
                .put("Arn", i.arn())
                .put("FeatureSet", "ALL")
                .put(
                        "MasterAccountArn",
                        "arn:aws:organizations::" + i.managementAccount() + ":account/" + i.id() + "/"
                                + i.managementAccount())
                .put("MasterAccountId", i.managementAccount())
                .put("MasterAccountEmail", "admin@rampart.local");
        ArrayNode available = o.putArray("AvailablePolicyTypes");
        if (i.scpEnabled()) available.addObject().put("Type", Organization.SCP).put("Status", "ENABLED");
        if (i.rcpEnabled()) available.addObject().put("Type", Organization.RCP).put("Status", "ENABLED");
    }

    private static void summary(ObjectNode o, Organization.Policy p, Organization.Info i) {
        o.put("Id", p.id())
                .put("Arn", policyArn(p, i))
                .put("Name", p.name())
                .put("Description", p.description())
                .put("Type", p.type())
                .put("AwsManaged", p.awsManaged());
    }

    private static void policy(ObjectNode o, Organization.Policy p, Organization.Info i) {
        summary(o.putObject("PolicySummary"), p, i);
        o.put("Content", p.content());
    }

    private static String policyArn(Organization.Policy p, Organization.Info i) {
        String kind = p.type().equals(Organization.SCP) ? "service_control_policy" : "resource_control_policy";
        return p.awsManaged()
                ? "arn:aws:organizations::aws:policy/" + kind + "/" + p.id()
                : "arn:aws:organizations::" + i.managementAccount() + ":policy/" + i.id() + "/" + kind + "/" + p.id();
    }
}
