package io.rampart.iam;

import io.rampart.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The account-wide IAM reports: credential report, authorization details, account summary and aliases.
 */
final class IamReports extends IamFamily {
    private volatile @Nullable CredentialReport report; // null until GenerateCredentialReport

    private record CredentialReport(Instant generated, byte[] csv) {}

    IamReports(IamStore store, Permissions permissions, String region) {
        super(store, permissions, region);
    }

    @Override
    void register(IamApi.ActionTable t) {
        t.on("GenerateCredentialReport", this::generateCredentialReport);
        t.on("GetCredentialReport", this::getCredentialReport);
        t.on("GetAccountAuthorizationDetails", this::getAccountAuthorizationDetails);
        t.on("GetAccountSummary", this::getAccountSummary);
        t.on("ListAccountAliases", this::listAccountAliases);
    }

    private byte[] generateCredentialReport(QueryRequest r) {
        String acct = r.caller().accountId();
        authorize(r, "iam:GenerateCredentialReport", "*");
        report = new CredentialReport(r.now(), credentialReport(acct));
        // Generated at once, so the first call already answers COMPLETE (AWS answers STARTED, then COMPLETE).
        return ok(r, x -> x.element("State", "COMPLETE"));
    }

    private byte[] getCredentialReport(QueryRequest r) {
        authorize(r, "iam:GetCredentialReport", "*");
        CredentialReport rep = report;
        if (rep == null) {
            throw new IamException(
                    IamErrorCode.REPORT_NOT_PRESENT,
                    "Credential report not present. Call GenerateCredentialReport first.");
        }
        return ok(
                r,
                x -> x.element("Content", Base64.getEncoder().encodeToString(rep.csv()))
                        .element("ReportFormat", "text/csv")
                        .element("GeneratedTime", QueryXml.date(rep.generated())));
    }

    private byte[] getAccountAuthorizationDetails(QueryRequest r) {
        String acct = r.caller().accountId();
        authorize(r, "iam:GetAccountAuthorizationDetails", "*");
        return ok(r, x -> authorizationDetails(x, acct));
    }

    private byte[] getAccountSummary(QueryRequest r) {
        String acct = r.caller().accountId();
        authorize(r, "iam:GetAccountSummary", "*");
        return ok(r, x -> {
            x.start("SummaryMap");
            entry(x, "Users", dir.list(acct, "user", "/").size());
            entry(x, "Groups", dir.list(acct, "group", "/").size());
            entry(x, "Roles", dir.list(acct, "role", "/").size());
            entry(x, "Policies", dir.listPolicies(acct, "Local", false, "/").size());
            entry(x, "AccessKeysPerUserQuota", 2);
            entry(x, "PolicyVersionsInUseQuota", 10000);
            entry(x, "AttachedPoliciesPerUserQuota", Directory.MAX_MANAGED_ATTACHMENTS);
            x.end();
        });
    }

    private byte[] listAccountAliases(QueryRequest r) {
        authorize(r, "iam:ListAccountAliases", "*");
        return ok(r, x -> x.start("AccountAliases").end().element("IsTruncated", false));
    }

    private static void entry(XmlWriter x, String key, int value) {
        x.start("entry").element("key", key).element("value", value).end();
    }

    private void authorizationDetails(XmlWriter x, String acct) {
        x.start("UserDetailList");
        for (Entity u : dir.list(acct, "user", "/")) {
            user(x.start("member"), u, true);
            inlineList(x, "UserPolicyList", acct, "user", u.name());
            x.start("GroupList");
            for (Entity g : dir.groupsOf(acct, u.name())) x.element("member", g.name());
            x.end();
            attachedList(x, acct, "user", u.name());
            x.end();
        }
        x.end().start("GroupDetailList");
        for (Entity g : dir.list(acct, "group", "/")) {
            group(x.start("member"), g);
            inlineList(x, "GroupPolicyList", acct, "group", g.name());
            attachedList(x, acct, "group", g.name());
            x.end();
        }
        x.end().start("RoleDetailList");
        for (Entity ro : dir.list(acct, "role", "/")) {
            role(x.start("member"), ro, false);
            inlineList(x, "RolePolicyList", acct, "role", ro.name());
            attachedList(x, acct, "role", ro.name());
            x.end();
        }
        x.end().start("Policies");
        for (ManagedPolicy p : dir.listPolicies(acct, "Local", false, "/")) {
            policy(x.start("member"), p);
            x.start("PolicyVersionList");
            for (ManagedPolicy.Version v : dir.versions(p.arn()))
                version(x.start("member"), v, true).end();
            x.end().end();
        }
        x.end().element("IsTruncated", false);
    }

    private void inlineList(XmlWriter x, String element, String acct, String kind, String owner) {
        x.start(element);
        dir.inline(acct, kind, owner)
                .forEach((n, d) -> x.start("member")
                        .element("PolicyName", n)
                        .element("PolicyDocument", encodeDocument(d))
                        .end());
        x.end();
    }

    private void attachedList(XmlWriter x, String acct, String kind, String owner) {
        x.start("AttachedManagedPolicies");
        for (String arn : dir.attached(acct, kind, owner)) {
            x.start("member")
                    .element("PolicyName", arn.substring(arn.lastIndexOf('/') + 1))
                    .element("PolicyArn", arn)
                    .end();
        }
        x.end();
    }

    /** AWS's credential report columns; passwords and certificates do not exist here ("not_supported" / false). */
    private byte[] credentialReport(String acct) {
        StringBuilder csv = new StringBuilder(
                "user,arn,user_creation_time,password_enabled,password_last_used,"
                        + "password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                        + "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                        + "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,"
                        + "access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n");
        List<IamStore.MfaDevice> mfa = store.mfaDevices(acct);
        List<IamStore.KeyInfo> keys = store.allAccessKeys(acct);
        for (Entity u : dir.list(acct, "user", "/")) {
            boolean hasMfa =
                    mfa.stream().anyMatch(d -> d.enabled() && d.userName().equalsIgnoreCase(u.name()));
            csv.append(u.name())
                    .append(',')
                    .append(u.arn())
                    .append(',')
                    .append(QueryXml.date(u.created()))
                    .append(",false,N/A,N/A,N/A,")
                    .append(hasMfa);
            List<IamStore.KeyInfo> mine = keys.stream()
                    .filter(k -> k.userName().equalsIgnoreCase(u.name()))
                    .toList();
            for (int i = 0; i < 2; i++) {
                if (i < mine.size()) {
                    IamStore.KeyInfo k = mine.get(i);
                    Optional<IamStore.KeyUse> use = store.lastUsed(k.accessKeyId());
                    csv.append(',')
                            .append("Active".equals(k.status()))
                            .append(',')
                            .append(QueryXml.date(k.created()))
                            .append(',')
                            .append(use.map(x -> QueryXml.date(x.used())).orElse("N/A"))
                            .append(',')
                            .append(use.map(IamStore.KeyUse::region).orElse("N/A"))
                            .append(',')
                            .append(use.map(IamStore.KeyUse::service).orElse("N/A"));
                } else {
                    csv.append(",false,N/A,N/A,N/A,N/A");
                }
            }
            csv.append(",false,N/A,false,N/A\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }
}
