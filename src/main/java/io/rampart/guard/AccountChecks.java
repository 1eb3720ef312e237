package io.rampart.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.guard.Check.Severity;
import io.rampart.guard.Read.Got;
import io.rampart.policy.MalformedPolicyException;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.iam.model.GenerateCredentialReportResponse;
import software.amazon.awssdk.services.iam.model.ReportStateType;
import software.amazon.awssdk.services.iam.model.Role;

/** Account-wide checks: IAM credentials (credential report, roles), CloudTrail data events, Organizations RCPs. */
final class AccountChecks {
    static final int MAX_KEY_AGE_DAYS = 90;
    static final int MAX_ROLE_SESSION_SECONDS = 4 * 3600;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Target target;
    private final PolicyProbes probes;
    private final String accountId;
    private final Instant now;
    private final boolean rampart;

    /** @param rampart the endpoint is a Rampart server (its own trail, no S3 Control) */
    AccountChecks(Target target, PolicyProbes probes, String accountId, Instant now, boolean rampart) {
        this.target = target;
        this.probes = probes;
        this.accountId = accountId;
        this.now = now;
        this.rampart = rampart;
    }

    List<Check> all() {
        List<Check> out = new ArrayList<>();
        out.addAll(credentialReport());
        out.addAll(roles());
        out.add(cloudTrail());
        out.add(accountPublicAccessBlock());
        out.add(rcp());
        return out;
    }

    // ---- account-level Block Public Access (S3 Control) ----

    Check accountPublicAccessBlock() {
        String res = iamResource();
        String fix = "aws s3control put-public-access-block --account-id " + accountId
                + " --public-access-block-configuration "
                + "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true";
        if (rampart) {
            return Check.unknown(
                    Rule.ACCOUNT_PUBLIC_ACCESS_BLOCK,
                    res,
                    "Rampart has no account-level Block Public Access (S3 "
                            + "Control is not served): each bucket's own is checked (S3.PUBLIC_ACCESS_BLOCK)",
                    "");
        }
        String path = "/v20180820/configuration/publicAccessBlock";
        URI uri = target.endpoint
                .map(e -> e.resolve(path))
                .orElse(URI.create(
                        "https://" + accountId + ".s3-control." + target.region.id() + ".amazonaws.com" + path));
        SignedHttp.Answer a;
        try {
            a = SignedHttp.call(
                    target,
                    SdkHttpMethod.GET,
                    uri,
                    Map.of("x-amz-account-id", accountId),
                    new byte[0],
                    "s3",
                    target.region.id());
        } catch (RuntimeException e) {
            return Check.unknown(
                    Rule.ACCOUNT_PUBLIC_ACCESS_BLOCK,
                    res,
                    "cannot read (s3:GetAccountPublicAccessBlock): "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse("client error"),
                    "");
        }
        String body = a.text();
        String code = xml(body, "Code");
        if (a.status() == 200 && body.contains("PublicAccessBlockConfiguration")) {
            String[] flags = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"};
            List<String> ev = new ArrayList<>();
            boolean all = true;
            for (String f : flags) {
                boolean on = "true".equals(xml(body, f));
                all &= on;
                ev.add(f + "=" + on);
            }
            String e = "account " + accountId + ": " + String.join(" ", ev);
            return all
                    ? Check.pass(Rule.ACCOUNT_PUBLIC_ACCESS_BLOCK, res, e)
                    : Check.fail(Rule.ACCOUNT_PUBLIC_ACCESS_BLOCK, res, e, fix);
        }
        if ("NoSuchPublicAccessBlockConfiguration".equals(code)) {
            return Check.fail(
                    Rule.ACCOUNT_PUBLIC_ACCESS_BLOCK,
                    res,
                    "no account-level Block Public Access configuration: a bucket "
                            + "without its own can be made public",
                    fix);
        }
        String detail = (code.isEmpty() ? "HTTP " + a.status() : code + " (HTTP " + a.status() + ")");
        if (a.status() == 403 || "AccessDenied".equals(code)) {
            return Check.unknown(
                    Rule.ACCOUNT_PUBLIC_ACCESS_BLOCK,
                    res,
                    new Read.Denied<Void>("s3:GetAccountPublicAccessBlock", detail).why(),
                    "grant s3:GetAccountPublicAccessBlock to the auditing principal and re-run");
        }
        return Check.unknown(
                Rule.ACCOUNT_PUBLIC_ACCESS_BLOCK,
                res,
                "cannot read (s3:GetAccountPublicAccessBlock): the endpoint "
                        + "does not implement S3 Control's GetPublicAccessBlock: " + detail,
                "");
    }

    /** The text of the first {@code <tag>} in a small XML answer, or "". */
    private static String xml(String body, String tag) {
        int i = body.indexOf("<" + tag + ">");
        int j = i < 0 ? -1 : body.indexOf("</" + tag + ">", i);
        return j < 0 ? "" : body.substring(i + tag.length() + 2, j).strip();
    }

    private String iamResource() {
        return "arn:aws:iam::" + accountId + ":root";
    }

    // ---- credential report ----

    List<Check> credentialReport() {
        Read<GenerateCredentialReportResponse> gen = Read.of("iam:GenerateCredentialReport", () -> {
            GenerateCredentialReportResponse r = target.iam.generateCredentialReport();
            // AWS answers STARTED, then COMPLETE within seconds; poll for up to a minute.
            for (int i = 0; i < 60 && r.state() != ReportStateType.COMPLETE; i++) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                r = target.iam.generateCredentialReport();
            }
            return r;
        });
        Read<String> csv = gen instanceof Got<GenerateCredentialReportResponse>
                ? Read.of(
                        "iam:GetCredentialReport",
                        () -> target.iam.getCredentialReport().content().asUtf8String())
                : new Read.Denied<>("iam:GenerateCredentialReport", gen.why());
        if (gen instanceof Read.Failed<GenerateCredentialReportResponse> f)
            csv = new Read.Failed<>(f.action(), f.detail());
        if (!(csv instanceof Got<String> g)) {
            String why = gen instanceof Got ? csv.why() : gen.why();
            String grant = gen instanceof Got ? csv.grant() : gen.grant();
            return List.of(
                    Check.unknown(Rule.KEY_AGE, iamResource(), why, grant),
                    Check.unknown(Rule.KEY_UNUSED, iamResource(), why, grant),
                    Check.unknown(Rule.USER_MFA, iamResource(), why, grant));
        }
        return credentialChecks(g.value(), now);
    }

    /** The checks of a credential report (AWS's CSV columns), as of {@code now}. */
    static List<Check> credentialChecks(String csv, Instant now) {
        List<Check> out = new ArrayList<>();
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) return out;
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        int usersWithKeys = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.size() && i < cells.length; i++) row.put(header.get(i), cells[i]);
            String user = row.getOrDefault("user", "?");
            String arn = row.getOrDefault("arn", user);
            boolean root = "<root_account>".equals(user);
            List<String> old = new ArrayList<>();
            List<String> unused = new ArrayList<>();
            List<String> fine = new ArrayList<>();
            List<String> active = new ArrayList<>();
            for (int k = 1; k <= 2; k++) {
                if (!"true".equals(row.get("access_key_" + k + "_active"))) continue;
                active.add("key " + k);
                Instant rotated = time(row.get("access_key_" + k + "_last_rotated"));
                Instant used = time(row.get("access_key_" + k + "_last_used_date"));
                long age = rotated == null ? -1 : Duration.between(rotated, now).toDays();
                String desc = "access key " + k + " created " + (rotated == null ? "?" : rotated) + " (" + age
                        + " days ago), last used "
                        + (used == null
                                ? "never"
                                : used + " (" + Duration.between(used, now).toDays() + " days ago)");
                if (age > MAX_KEY_AGE_DAYS) old.add(desc);
                Instant lastActivity = used != null ? used : rotated;
                if (lastActivity != null && Duration.between(lastActivity, now).toDays() > MAX_KEY_AGE_DAYS)
                    unused.add(desc);
                if (age <= MAX_KEY_AGE_DAYS && !unused.contains(desc)) fine.add(desc);
            }
            if (root) {
                out.add(
                        active.isEmpty()
                                ? Check.pass(Rule.ROOT_KEYS, arn, "the root user has no active access key")
                                : Check.fail(
                                        Rule.ROOT_KEYS,
                                        arn,
                                        "the root user has active access keys: " + String.join(", ", active),
                                        "sign in as root, create what you need as IAM roles, then delete the root access keys "
                                                + "(Security credentials > Access keys)"));
            } else if (!active.isEmpty()) {
                usersWithKeys++;
                String name = user;
                out.add(
                        old.isEmpty()
                                ? Check.pass(Rule.KEY_AGE, arn, String.join("; ", fine))
                                : Check.fail(
                                        Rule.KEY_AGE,
                                        arn,
                                        String.join("; ", old) + " (older than " + MAX_KEY_AGE_DAYS + " days)",
                                        "replace the key by role sessions (aws sts assume-role) or rotate it: aws iam create-access-key "
                                                + "--user-name " + name
                                                + "; then aws iam update-access-key --user-name " + name
                                                + " --access-key-id OLD-KEY-ID --status Inactive"));
                out.add(
                        unused.isEmpty()
                                ? Check.pass(
                                        Rule.KEY_UNUSED,
                                        arn,
                                        "every active key used in the last " + MAX_KEY_AGE_DAYS + " days")
                                : Check.fail(
                                        Rule.KEY_UNUSED,
                                        arn,
                                        String.join("; ", unused) + " (unused for over " + MAX_KEY_AGE_DAYS + " days)",
                                        "aws iam update-access-key --user-name " + name
                                                + " --access-key-id KEY-ID --status Inactive"));
            }
            boolean mfa = "true".equals(row.get("mfa_active"));
            String mfaCmd = root
                    ? "enable MFA for the root user (Security credentials > Multi-factor authentication)"
                    : "aws iam create-virtual-mfa-device --virtual-mfa-device-name " + user
                            + " --outfile qr.png --bootstrap-method "
                            + "QRCodePNG; aws iam enable-mfa-device --user-name " + user + " --serial-number MFA-ARN "
                            + "--authentication-code1 CODE1 --authentication-code2 CODE2";
            out.add(
                    mfa
                            ? Check.pass(Rule.USER_MFA, arn, "MFA active")
                            : Check.fail(
                                    Rule.USER_MFA,
                                    root ? Severity.CRITICAL : Rule.USER_MFA.severity,
                                    arn,
                                    "no MFA device"
                                            + (active.isEmpty() ? "" : "; " + active.size() + " active access key(s)"),
                                    mfaCmd));
        }
        if (usersWithKeys == 0) {
            out.add(Check.pass(Rule.KEY_AGE, "iam", "no IAM user has an active access key"));
        }
        return out;
    }

    private static Instant time(String s) {
        if (s == null || s.isEmpty() || s.equals("N/A") || s.equals("no_information") || s.equals("not_supported"))
            return null;
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    // ---- roles ----

    List<Check> roles() {
        List<Role> all = new ArrayList<>();
        Read<Integer> r = Read.of("iam:ListRoles", () -> {
            target.iam.listRolesPaginator().roles().forEach(all::add);
            return all.size();
        });
        if (!(r instanceof Got<Integer>))
            return List.of(Check.unknown(Rule.ROLE_MAX_SESSION, iamResource(), r.why(), r.grant()));
        List<Check> out = new ArrayList<>();
        int considered = 0;
        for (Role role : all) {
            if (role.path() != null && role.path().startsWith("/aws-service-role/")) continue;
            considered++;
            Integer max = role.maxSessionDuration();
            if (max != null && max > MAX_ROLE_SESSION_SECONDS) {
                out.add(Check.fail(
                        Rule.ROLE_MAX_SESSION,
                        role.arn(),
                        "MaxSessionDuration " + max + " s (" + max / 3600.0
                                + " h): a stolen session stays valid that long",
                        "aws iam update-role --role-name " + role.roleName() + " --max-session-duration 3600"));
            }
        }
        if (out.isEmpty()) {
            out.add(Check.pass(
                    Rule.ROLE_MAX_SESSION,
                    iamResource(),
                    considered + " role(s), none with a maximum session over " + MAX_ROLE_SESSION_SECONDS / 3600
                            + " h"));
        }
        return out;
    }

    // ---- CloudTrail ----

    Check cloudTrail() {
        String res = "arn:aws:cloudtrail:" + target.region.id() + ":" + accountId + ":trail/*";
        String fix = "aws cloudtrail put-event-selectors --trail-name TRAIL --advanced-event-selectors "
                + "'[{\"Name\":\"S3 data events\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]},"
                + "{\"Field\":\"resources.type\",\"Equals\":[\"AWS::S3::Object\"]}]}]'  (and aws cloudtrail start-logging --name TRAIL)";
        if (rampart) {
            return Check.pass(
                    Rule.CLOUDTRAIL_DATA_EVENTS,
                    res,
                    "Rampart records every request, S3 data events included, in its own "
                            + "CloudTrail-format trail, always on (its validation: RAMPART.TRAIL.VALID)");
        }
        Read<List<Trail>> trails = Read.of(
                "cloudtrail:DescribeTrails",
                () -> target.cloudTrail
                        .describeTrails(b -> b.includeShadowTrails(true))
                        .trailList());
        if (!(trails instanceof Got<List<Trail>> g)) {
            String why = trails.why()
                    + (target.isAws() ? "" : "; on Rampart the audit trail is always on: rampart trail validate");
            return Check.unknown(Rule.CLOUDTRAIL_DATA_EVENTS, res, why, trails.grant());
        }
        List<String> covering = new ArrayList<>();
        List<String> partial = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Trail t : g.value()) {
            String id = t.trailARN() != null ? t.trailARN() : t.name();
            Read<Boolean> logging = Read.of(
                    "cloudtrail:GetTrailStatus",
                    () -> target.cloudTrail.getTrailStatus(b -> b.name(id)).isLogging());
            Read<GetEventSelectorsResponse> sel = Read.of(
                    "cloudtrail:GetEventSelectors", () -> target.cloudTrail.getEventSelectors(b -> b.trailName(id)));
            if (!(logging instanceof Got<Boolean> lg))
                return Check.unknown(Rule.CLOUDTRAIL_DATA_EVENTS, res, logging.why(), logging.grant());
            if (!(sel instanceof Got<GetEventSelectorsResponse> sg))
                return Check.unknown(Rule.CLOUDTRAIL_DATA_EVENTS, res, sel.why(), sel.grant());
            String scope = s3DataScope(sg.value());
            seen.add(t.name() + " (logging " + lg.value() + ", S3 data events: " + scope + ")");
            if (!Boolean.TRUE.equals(lg.value())) continue;
            if (scope.equals("all buckets")) covering.add(t.name());
            else if (!scope.equals("none")) partial.add(t.name());
        }
        String ev = seen.isEmpty() ? "no trail" : String.join("; ", seen);
        if (!covering.isEmpty()) return Check.pass(Rule.CLOUDTRAIL_DATA_EVENTS, res, ev);
        if (!partial.isEmpty())
            return Check.warn(Rule.CLOUDTRAIL_DATA_EVENTS, res, ev + ": only some buckets covered", fix);
        return Check.fail(
                Rule.CLOUDTRAIL_DATA_EVENTS, res, ev + ": S3 writes (CopyObject with SSE-C) go unrecorded", fix);
    }

    /** "all buckets", "some buckets" or "none": which S3 object events (writes at least) a trail's selectors record. */
    static String s3DataScope(GetEventSelectorsResponse r) {
        String best = "none";
        for (EventSelector s : r.eventSelectors()) {
            if ("ReadOnly".equals(s.readWriteTypeAsString())) continue;
            for (var d : s.dataResources()) {
                if (!"AWS::S3::Object".equals(d.type())) continue;
                for (String v : d.values()) {
                    if (v.equals("arn:aws:s3") || v.equals("arn:aws:s3:::") || v.equals("arn:aws:s3:::*"))
                        return "all buckets";
                    best = "some buckets";
                }
            }
        }
        for (AdvancedEventSelector a : r.advancedEventSelectors()) {
            boolean data = false;
            boolean s3 = false;
            boolean narrowed = false;
            for (var f : a.fieldSelectors()) {
                switch (f.field()) {
                    case "eventCategory" -> data = f.equalsValue().contains("Data");
                    case "resources.type" -> s3 = f.equalsValue().contains("AWS::S3::Object");
                    case "readOnly" -> narrowed |= f.equalsValue().contains("true");
                    case "resources.ARN" -> narrowed = true;
                    default -> {}
                }
            }
            if (data && s3) {
                if (!narrowed) return "all buckets";
                best = "some buckets";
            }
        }
        return best;
    }

    // ---- Organizations RCPs ----

    /** A customer RCP as read: id, name and document. */
    private record Rcp(String id, String name, String content) {}

    Check rcp() {
        String res = "organization";
        Read<List<Rcp>> policies =
                Read.of("organizations:ListPolicies", java.util.Set.of("AWSOrganizationsNotInUseException"), () -> {
                    JsonNode list = organizations("ListPolicies", "{\"Filter\":\"RESOURCE_CONTROL_POLICY\"}");
                    List<Rcp> docs = new ArrayList<>();
                    for (JsonNode p : list.path("Policies")) {
                        if (p.path("AwsManaged").asBoolean(false)) continue;
                        JsonNode d = organizations(
                                "DescribePolicy",
                                "{\"PolicyId\":" + JSON.valueToTree(p.path("Id").asText()) + "}");
                        docs.add(new Rcp(
                                p.path("Id").asText(),
                                p.path("Name").asText(),
                                d.path("Policy").path("Content").asText()));
                    }
                    return docs;
                });
        String fix = "aws organizations create-policy --type RESOURCE_CONTROL_POLICY --name block-ssec --content "
                + "file://policies/block-ssec.rcp.json; aws organizations attach-policy --policy-id ID --target-id ROOT-ID";
        if (policies instanceof Read.Absent<List<Rcp>> a) {
            return Check.fail(Rule.SSEC_RCP, res, "not in an organization with RCPs (" + a.code() + ")", fix);
        }
        if (!(policies instanceof Got<List<Rcp>> g))
            return Check.unknown(Rule.SSEC_RCP, res, policies.why(), policies.grant());
        List<Rcp> denying = new ArrayList<>();
        for (Rcp rcp : g.value()) {
            try {
                PolicyDocument doc = PolicyDocument.parse(rcp.content(), PolicyKind.RCP, rcp.name());
                if (probes.sseCUpload(doc, "any-bucket").stream().allMatch(PolicyProbes.Verdict::denied))
                    denying.add(rcp);
            } catch (MalformedPolicyException e) {
                // an RCP guard cannot evaluate counts as not denying
            }
        }
        if (denying.isEmpty()) {
            return Check.fail(
                    Rule.SSEC_RCP, res, g.value().size() + " customer RCP(s), none denies SSE-C uploads", fix);
        }
        // A denying RCP protects this account only where it is attached: the root, this account, or an OU above it.
        Read<List<String>> above = Read.of("organizations:ListParents", this::ancestors);
        List<String> ancestors = above instanceof Got<List<String>> ag ? ag.value() : List.of();
        List<String> covering = new ArrayList<>();
        List<String> elsewhere = new ArrayList<>();
        List<String> detached = new ArrayList<>();
        for (Rcp rcp : denying) {
            Read<List<JsonNode>> targets = Read.of("organizations:ListTargetsForPolicy", () -> {
                List<JsonNode> out = new ArrayList<>();
                organizations("ListTargetsForPolicy", "{\"PolicyId\":" + JSON.valueToTree(rcp.id()) + "}")
                        .path("Targets")
                        .forEach(out::add);
                return out;
            });
            if (!(targets instanceof Got<List<JsonNode>> tg)) {
                return Check.unknown(
                        Rule.SSEC_RCP,
                        res,
                        "RCP " + rcp.name() + " denies SSE-C uploads, but where it is attached is " + "unknown: "
                                + targets.why(),
                        targets.grant());
            }
            List<String> where = new ArrayList<>();
            boolean covers = false;
            for (JsonNode t : tg.value()) {
                String type = t.path("Type").asText();
                String id = t.path("TargetId").asText();
                where.add(type + " " + id);
                covers |= type.equals("ROOT")
                        || (type.equals("ACCOUNT") && id.equals(accountId))
                        || (type.equals("ORGANIZATIONAL_UNIT") && ancestors.contains(id));
            }
            if (covers) covering.add(rcp.name() + " (attached to " + String.join(", ", where) + ")");
            else if (!where.isEmpty()) elsewhere.add(rcp.name() + " (attached to " + String.join(", ", where) + ")");
            else detached.add(rcp.name());
        }
        if (!covering.isEmpty()) {
            // As AWS documents, RCPs do not apply to the management account's own resources.
            Read<String> management = Read.of(
                    "organizations:DescribeOrganization",
                    () -> organizations("DescribeOrganization", "{}")
                            .path("Organization")
                            .path("MasterAccountId")
                            .asText());
            if (management instanceof Got<String> m && m.value().equals(accountId)) {
                return Check.fail(
                        Rule.SSEC_RCP,
                        res,
                        "RCP(s) denying SSE-C uploads: " + String.join("; ", covering) + "; but account " + accountId
                                + " is the organization's management account, whose resources no RCP applies to",
                        "keep the data in a member account; here block SSE-C per bucket (S3.SSEC.BLOCKED)");
            }
            return Check.pass(Rule.SSEC_RCP, res, "RCP(s) denying SSE-C uploads: " + String.join("; ", covering));
        }
        if (!elsewhere.isEmpty() && above instanceof Got) {
            return Check.fail(
                    Rule.SSEC_RCP,
                    res,
                    "RCP(s) denying SSE-C uploads are attached only where account " + accountId + " is not: "
                            + String.join("; ", elsewhere),
                    "aws organizations attach-policy --policy-id "
                            + denying.get(0).id() + " --target-id ROOT-ID");
        }
        if (!elsewhere.isEmpty()) {
            return Check.warn(
                    Rule.SSEC_RCP,
                    res,
                    "RCP(s) denying SSE-C uploads attached below the root: " + String.join("; ", elsewhere)
                            + "; check that account " + accountId + " is under one of them",
                    "aws organizations attach-policy --policy-id "
                            + denying.get(0).id() + " --target-id ROOT-ID");
        }
        return Check.fail(
                Rule.SSEC_RCP,
                res,
                "RCP(s) denying SSE-C uploads exist but are attached nowhere: " + String.join(", ", detached),
                "aws organizations list-roots; aws organizations attach-policy --policy-id "
                        + denying.get(0).id() + " --target-id ROOT-ID");
    }

    /** The OUs (and root) above the audited account, nearest first (ListParents, up to the root). */
    private List<String> ancestors() {
        List<String> out = new ArrayList<>();
        String child = accountId;
        // An account sits at most five OUs below the root.
        for (int depth = 0; depth < 7; depth++) {
            JsonNode parents = organizations("ListParents", "{\"ChildId\":" + JSON.valueToTree(child) + "}")
                    .path("Parents");
            if (parents.isEmpty()) break;
            JsonNode parent = parents.get(0);
            child = parent.path("Id").asText();
            out.add(child);
            if ("ROOT".equals(parent.path("Type").asText())) break;
        }
        return out;
    }

    /** One Organizations JSON 1.1 call, signed with the SDK's SigV4 signer (the Organizations client is not a dependency). */
    private JsonNode organizations(String action, String body) {
        URI uri = target.endpoint
                .orElse(URI.create("https://organizations.us-east-1.amazonaws.com"))
                .resolve("/");
        SignedHttp.Answer answer = SignedHttp.call(
                target,
                SdkHttpMethod.POST,
                uri,
                Map.of(
                        "Content-Type",
                        "application/x-amz-json-1.1",
                        "X-Amz-Target",
                        "AWSOrganizationsV20161128." + action),
                body.getBytes(StandardCharsets.UTF_8),
                "organizations",
                "us-east-1");
        try {
            JsonNode json = answer.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(answer.body());
            if (answer.status() / 100 != 2) {
                String type = json.path("__type").asText("HTTP " + answer.status());
                type = type.substring(type.lastIndexOf('#') + 1);
                throw OrganizationsError.of(answer.status(), type);
            }
            return json;
        } catch (IOException e) {
            throw OrganizationsError.of(answer.status(), "HTTP " + answer.status() + " (not JSON)");
        }
    }
}
