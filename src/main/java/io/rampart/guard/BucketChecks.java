package io.rampart.guard;

import io.rampart.guard.Check.Severity;
import io.rampart.guard.Read.Absent;
import io.rampart.guard.Read.Got;
import io.rampart.policy.MalformedPolicyException;
import io.rampart.policy.PolicyDocument;
import io.rampart.policy.PolicyKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.GetBucketLoggingResponse;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ReplicationConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/** The checks of one bucket, read-only: every configuration read once, each turned into checks. */
final class BucketChecks {
    /** Noncurrent versions kept fewer days than this, or current ones expired sooner, cannot cover detection and response. */
    static final int MIN_DAYS = 30;

    /** What was read of a bucket: its checks, and the configuration --fix starts from. */
    record Result(
            String bucket,
            List<Check> checks,
            Read<ServerSideEncryptionConfiguration> encryption,
            Read<String> policy,
            Read<GetBucketVersioningResponse> versioning,
            Read<PublicAccessBlockConfiguration> publicAccessBlock,
            Optional<Inventory.Result> inventory) {
        Optional<Check> check(Rule rule) {
            return checks.stream().filter(c -> c.rule() == rule).findFirst();
        }

        boolean failed(Rule rule) {
            return check(rule)
                    .map(c -> c.status() == Check.Status.FAIL || c.status() == Check.Status.WARN)
                    .orElse(false);
        }
    }

    private final S3Client s3;
    private final PolicyProbes probes;
    private final boolean aws;

    BucketChecks(S3Client s3, PolicyProbes probes, boolean aws) {
        this.s3 = s3;
        this.probes = probes;
        this.aws = aws;
    }

    static String arn(String bucket) {
        return "arn:aws:s3:::" + bucket;
    }

    Result check(String bucket, Optional<Inventory.Result> inventory) {
        String res = arn(bucket);
        List<Check> out = new ArrayList<>();

        Read<ServerSideEncryptionConfiguration> enc = Read.of(
                "s3:GetEncryptionConfiguration",
                Set.of("ServerSideEncryptionConfigurationNotFoundError"),
                () -> s3.getBucketEncryption(b -> b.bucket(bucket)).serverSideEncryptionConfiguration());
        boolean blocked = false;
        String blockCmd =
                "aws s3api put-bucket-encryption --bucket " + bucket + " --server-side-encryption-configuration "
                        + "'{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"},"
                        + "\"BlockedEncryptionTypes\":{\"EncryptionType\":[\"SSE-C\"]}}]}'";
        switch (enc) {
            case Got<ServerSideEncryptionConfiguration> g -> {
                blocked = blocksSseC(g.value());
                String ev = "default encryption: " + describe(g.value());
                out.add(
                        blocked
                                ? Check.pass(Rule.SSEC_BLOCKED, res, ev)
                                : Check.fail(Rule.SSEC_BLOCKED, res, ev + "; SSE-C writes are accepted", blockCmd));
            }
            case Absent<ServerSideEncryptionConfiguration> a ->
                out.add(Check.fail(
                        Rule.SSEC_BLOCKED,
                        res,
                        "no default encryption configuration; SSE-C writes are accepted",
                        blockCmd));
            default -> out.add(Check.unknown(Rule.SSEC_BLOCKED, res, enc.why(), enc.grant()));
        }

        Read<String> policyRead = Read.of(
                "s3:GetBucketPolicy",
                Set.of("NoSuchBucketPolicy"),
                () -> s3.getBucketPolicy(b -> b.bucket(bucket)).policy());
        policyChecks(bucket, res, policyRead, blocked, out);

        Read<GetBucketVersioningResponse> ver =
                Read.of("s3:GetBucketVersioning", () -> s3.getBucketVersioning(b -> b.bucket(bucket)));
        if (ver instanceof Got<GetBucketVersioningResponse> g) {
            GetBucketVersioningResponse v = g.value();
            String status = v.status() == null ? "never enabled" : v.statusAsString();
            out.add(
                    v.status() == BucketVersioningStatus.ENABLED
                            ? Check.pass(Rule.VERSIONING, res, "versioning " + status)
                            : Check.fail(
                                    Rule.VERSIONING,
                                    res,
                                    "versioning " + status + ": an overwrite or delete destroys the only copy",
                                    "aws s3api put-bucket-versioning --bucket " + bucket
                                            + " --versioning-configuration Status=Enabled"));
            String mfa = v.mfaDeleteAsString() == null ? "Disabled" : v.mfaDeleteAsString();
            out.add(
                    "Enabled".equals(mfa)
                            ? Check.pass(Rule.MFA_DELETE, res, "MFA delete Enabled")
                            : Check.fail(
                                    Rule.MFA_DELETE,
                                    res,
                                    "MFA delete " + mfa + ": a stolen key alone can delete versions",
                                    "aws s3api put-bucket-versioning --bucket " + bucket
                                            + " --versioning-configuration "
                                            + "Status=Enabled,MFADelete=Enabled --mfa 'MFA-DEVICE-ARN CODE'  (as the account root)"));
        } else {
            out.add(Check.unknown(Rule.VERSIONING, res, ver.why(), ver.grant()));
            out.add(Check.unknown(Rule.MFA_DELETE, res, ver.why(), ver.grant()));
        }

        Read<ObjectLockConfiguration> lock = Read.of(
                "s3:GetBucketObjectLockConfiguration",
                Set.of("ObjectLockConfigurationNotFoundError"),
                () -> s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration());
        String lockCmd = "aws s3api put-object-lock-configuration --bucket " + bucket + " --object-lock-configuration "
                + "'{\"ObjectLockEnabled\":\"Enabled\",\"Rule\":{\"DefaultRetention\":{\"Mode\":\"GOVERNANCE\",\"Days\":"
                + MIN_DAYS + "}}}'";
        switch (lock) {
            case Got<ObjectLockConfiguration> g
            when "Enabled".equals(g.value().objectLockEnabledAsString()) -> {
                var rule = g.value().rule();
                if (rule != null && rule.defaultRetention() != null) {
                    var r = rule.defaultRetention();
                    out.add(Check.pass(
                            Rule.OBJECT_LOCK,
                            res,
                            "Object Lock enabled, default retention " + r.modeAsString() + " "
                                    + (r.days() != null ? r.days() + " days" : r.years() + " years")));
                } else {
                    out.add(Check.warn(
                            Rule.OBJECT_LOCK,
                            res,
                            "Object Lock enabled without a default retention: new versions are not locked",
                            lockCmd));
                }
            }
            case Got<ObjectLockConfiguration> g ->
                out.add(Check.fail(Rule.OBJECT_LOCK, res, "Object Lock not enabled", lockCmd));
            case Absent<ObjectLockConfiguration> a ->
                out.add(Check.fail(Rule.OBJECT_LOCK, res, "Object Lock not enabled", lockCmd));
            default -> out.add(Check.unknown(Rule.OBJECT_LOCK, res, lock.why(), lock.grant()));
        }

        Read<List<LifecycleRule>> lc = Read.of(
                "s3:GetLifecycleConfiguration",
                Set.of("NoSuchLifecycleConfiguration"),
                () -> s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)).rules());
        switch (lc) {
            case Got<List<LifecycleRule>> g -> out.add(lifecycle(bucket, res, g.value()));
            case Absent<List<LifecycleRule>> a ->
                out.add(Check.pass(Rule.LIFECYCLE, res, "no lifecycle configuration: nothing expires by itself"));
            default -> out.add(Check.unknown(Rule.LIFECYCLE, res, lc.why(), lc.grant()));
        }

        Read<ReplicationConfiguration> rep = Read.of(
                "s3:GetReplicationConfiguration",
                Set.of("ReplicationConfigurationNotFoundError"),
                () -> s3.getBucketReplication(b -> b.bucket(bucket)).replicationConfiguration());
        String repCmd = "aws s3api put-bucket-replication --bucket " + bucket
                + " --replication-configuration file://replication.json"
                + "  (destination: a versioned bucket in another account, ideally with Object Lock)";
        switch (rep) {
            case Got<ReplicationConfiguration> g -> {
                List<String> on = g.value().rules().stream()
                        .filter(r -> "Enabled".equals(r.statusAsString()))
                        .map(r ->
                                r.destination() == null ? "?" : r.destination().bucket())
                        .toList();
                out.add(
                        on.isEmpty()
                                ? Check.fail(
                                        Rule.REPLICATION, res, "replication configured but no rule is Enabled", repCmd)
                                : Check.pass(Rule.REPLICATION, res, "replicates to " + String.join(", ", on)));
            }
            case Absent<ReplicationConfiguration> a ->
                out.add(Check.fail(Rule.REPLICATION, res, "no replication", repCmd));
            default -> out.add(Check.unknown(Rule.REPLICATION, res, rep.why(), rep.grant()));
        }

        Read<PublicAccessBlockConfiguration> pab = Read.of(
                "s3:GetBucketPublicAccessBlock",
                Set.of("NoSuchPublicAccessBlockConfiguration"),
                () -> s3.getPublicAccessBlock(b -> b.bucket(bucket)).publicAccessBlockConfiguration());
        String pabCmd = "aws s3api put-public-access-block --bucket " + bucket + " --public-access-block-configuration "
                + "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true";
        switch (pab) {
            case Got<PublicAccessBlockConfiguration> g -> {
                PublicAccessBlockConfiguration c = g.value();
                String ev = "BlockPublicAcls=" + c.blockPublicAcls() + " IgnorePublicAcls=" + c.ignorePublicAcls()
                        + " BlockPublicPolicy=" + c.blockPublicPolicy() + " RestrictPublicBuckets="
                        + c.restrictPublicBuckets();
                boolean all = Boolean.TRUE.equals(c.blockPublicAcls())
                        && Boolean.TRUE.equals(c.ignorePublicAcls())
                        && Boolean.TRUE.equals(c.blockPublicPolicy())
                        && Boolean.TRUE.equals(c.restrictPublicBuckets());
                out.add(
                        all
                                ? Check.pass(Rule.PUBLIC_ACCESS_BLOCK, res, ev)
                                : Check.fail(Rule.PUBLIC_ACCESS_BLOCK, res, ev, pabCmd));
            }
            case Absent<PublicAccessBlockConfiguration> a ->
                out.add(Check.fail(
                        Rule.PUBLIC_ACCESS_BLOCK, res, "no Block Public Access configuration on the bucket", pabCmd));
            default -> out.add(Check.unknown(Rule.PUBLIC_ACCESS_BLOCK, res, pab.why(), pab.grant()));
        }

        Read<List<Grant>> acl = Read.of(
                "s3:GetBucketAcl", () -> s3.getBucketAcl(b -> b.bucket(bucket)).grants());
        if (acl instanceof Got<List<Grant>> g) {
            List<String> pub = g.value().stream()
                    .filter(x -> x.grantee() != null
                            && x.grantee().uri() != null
                            && (x.grantee().uri().endsWith("/global/AllUsers")
                                    || x.grantee().uri().endsWith("/global/AuthenticatedUsers")))
                    .map(x -> x.grantee().uri().substring(x.grantee().uri().lastIndexOf('/') + 1) + ":"
                            + x.permissionAsString())
                    .toList();
            out.add(
                    pub.isEmpty()
                            ? Check.pass(
                                    Rule.PUBLIC_ACL,
                                    res,
                                    g.value().size() + " grant(s), none to AllUsers or AuthenticatedUsers")
                            : Check.fail(
                                    Rule.PUBLIC_ACL,
                                    res,
                                    "ACL grants " + String.join(", ", pub),
                                    "aws s3api put-bucket-acl --bucket " + bucket + " --acl private"));
        } else {
            out.add(Check.unknown(Rule.PUBLIC_ACL, res, acl.why(), acl.grant()));
        }

        Read<GetBucketLoggingResponse> log =
                Read.of("s3:GetBucketLogging", () -> s3.getBucketLogging(b -> b.bucket(bucket)));
        if (log instanceof Got<GetBucketLoggingResponse> g) {
            var le = g.value().loggingEnabled();
            out.add(
                    le != null
                            ? Check.pass(
                                    Rule.ACCESS_LOGS,
                                    res,
                                    "access logs to " + le.targetBucket() + "/" + nz(le.targetPrefix()))
                            : Check.fail(
                                    Rule.ACCESS_LOGS,
                                    res,
                                    "server access logging off",
                                    "aws s3api put-bucket-logging --bucket " + bucket + " --bucket-logging-status "
                                            + "'{\"LoggingEnabled\":{\"TargetBucket\":\"LOG-BUCKET\",\"TargetPrefix\":\""
                                            + bucket + "/\"}}'"));
        } else {
            out.add(Check.unknown(Rule.ACCESS_LOGS, res, log.why(), log.grant()));
        }

        Read<GetBucketNotificationConfigurationResponse> nt =
                Read.of("s3:GetBucketNotification", () -> s3.getBucketNotificationConfiguration(b -> b.bucket(bucket)));
        if (nt instanceof Got<GetBucketNotificationConfigurationResponse> g) {
            var n = g.value();
            int count = n.topicConfigurations().size()
                    + n.queueConfigurations().size()
                    + n.lambdaFunctionConfigurations().size()
                    + (n.eventBridgeConfiguration() != null ? 1 : 0);
            out.add(
                    count > 0
                            ? Check.pass(Rule.EVENT_NOTIFICATIONS, res, count + " notification destination(s)")
                            : Check.fail(
                                    Rule.EVENT_NOTIFICATIONS,
                                    res,
                                    "no event notifications",
                                    "aws s3api put-bucket-notification-configuration --bucket " + bucket
                                            + " --notification-configuration "
                                            + (aws
                                                    ? "'{\"EventBridgeConfiguration\":{}}'"
                                                    : "'{\"QueueConfigurations\":[{\"QueueArn\":\"arn:rampart:sqs::HOOK:webhook\",\"Events\":"
                                                            + "[\"s3:ObjectCreated:*\",\"s3:ObjectRemoved:*\"]}]}'  (on Rampart: HOOK is a webhook "
                                                            + "of the server's configuration)")));
        } else {
            out.add(Check.unknown(Rule.EVENT_NOTIFICATIONS, res, nt.why(), nt.grant()));
        }

        inventory.ifPresent(inv -> out.add(inv.check(bucket)));
        return new Result(bucket, out, enc, policyRead, ver, pab, inventory);
    }

    private void policyChecks(String bucket, String res, Read<String> read, boolean blocked, List<Check> out) {
        String sseCStmt = Statements.denySseCUploads(bucket);
        String sseCFix = "add to the bucket policy (rampart guard --fix merges it): " + sseCStmt;
        String llFix = "add to the bucket policy (rampart guard --fix merges it): "
                + Statements.denyLongLivedKeyWrites(bucket, probesAccount());
        PolicyDocument doc;
        switch (read) {
            case Got<String> g -> {
                try {
                    doc = PolicyDocument.parse(g.value(), PolicyKind.RESOURCE);
                } catch (MalformedPolicyException e) {
                    String why = "the bucket policy could not be evaluated: " + e.getMessage();
                    out.add(Check.unknown(Rule.SSEC_POLICY, res, why, ""));
                    out.add(Check.unknown(Rule.LONG_LIVED_GUARDRAIL, res, why, ""));
                    out.add(Check.unknown(Rule.PUBLIC_POLICY, res, why, ""));
                    return;
                }
            }
            case Absent<String> a -> {
                out.add(sseCPolicyFail(res, "no bucket policy", blocked, sseCFix));
                out.add(Check.fail(
                        Rule.LONG_LIVED_GUARDRAIL,
                        res,
                        "no bucket policy: writes with long-lived keys are not refused",
                        llFix));
                out.add(Check.pass(Rule.PUBLIC_POLICY, res, "no bucket policy"));
                return;
            }
            default -> {
                out.add(Check.unknown(Rule.SSEC_POLICY, res, read.why(), read.grant()));
                out.add(Check.unknown(Rule.LONG_LIVED_GUARDRAIL, res, read.why(), read.grant()));
                out.add(Check.unknown(Rule.PUBLIC_POLICY, res, read.why(), read.grant()));
                return;
            }
        }
        List<PolicyProbes.Verdict> sseC = probes.sseCUpload(doc, bucket);
        String sseCEv = sseC.stream().map(Object::toString).collect(Collectors.joining("; "));
        out.add(
                sseC.stream().allMatch(PolicyProbes.Verdict::denied)
                        ? Check.pass(Rule.SSEC_POLICY, res, sseCEv)
                        : sseCPolicyFail(res, sseCEv, blocked, sseCFix));

        List<PolicyProbes.Verdict> ll = probes.longLivedWrites(doc, bucket);
        String llEv = ll.stream().map(Object::toString).collect(Collectors.joining("; "));
        out.add(
                ll.stream().allMatch(PolicyProbes.Verdict::denied)
                        ? Check.pass(Rule.LONG_LIVED_GUARDRAIL, res, llEv)
                        : Check.fail(Rule.LONG_LIVED_GUARDRAIL, res, llEv, llFix));

        List<String> anon = probes.anonymousGrants(doc, bucket);
        out.add(
                anon.isEmpty()
                        ? Check.pass(Rule.PUBLIC_POLICY, res, "an anonymous caller is granted nothing")
                        : Check.fail(
                                Rule.PUBLIC_POLICY,
                                anon.stream().anyMatch(a -> !a.equals("s3:GetObject") && !a.equals("s3:ListBucket"))
                                        ? Severity.CRITICAL
                                        : Severity.HIGH,
                                res,
                                "anonymous callers are allowed " + String.join(", ", anon),
                                "remove the statements granting Principal \"*\" without a condition, then "
                                        + "aws s3api put-bucket-policy --bucket " + bucket
                                        + " --policy file://policy.json"));
    }

    private String probesAccount() {
        return probes.longLivedUser().accountId();
    }

    /** Without BlockedEncryptionTypes a missing deny statement is the only line left (FAIL); with it, defence in depth (WARN). */
    private static Check sseCPolicyFail(String res, String evidence, boolean blocked, String fix) {
        return blocked
                ? Check.warn(Rule.SSEC_POLICY, res, evidence + " (SSE-C is blocked by BlockedEncryptionTypes)", fix)
                : Check.fail(Rule.SSEC_POLICY, res, evidence, fix);
    }

    private Check lifecycle(String bucket, String res, List<LifecycleRule> rules) {
        List<String> bad = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (LifecycleRule r : rules) {
            String name = "rule " + (r.id() == null ? "(no id)" : r.id());
            if (!"Enabled".equals(r.statusAsString())) {
                seen.add(name + " disabled");
                continue;
            }
            if (r.expiration() != null
                    && r.expiration().days() != null
                    && r.expiration().days() < MIN_DAYS) {
                bad.add(name + " expires current objects after "
                        + r.expiration().days() + " days");
            } else if (r.expiration() != null && r.expiration().date() != null) {
                bad.add(name + " expires current objects on " + r.expiration().date());
            } else if (r.expiration() != null && r.expiration().days() != null) {
                seen.add(name + " expires current objects after "
                        + r.expiration().days() + " days");
            }
            if (r.noncurrentVersionExpiration() != null
                    && r.noncurrentVersionExpiration().noncurrentDays() != null) {
                int d = r.noncurrentVersionExpiration().noncurrentDays();
                (d < MIN_DAYS ? bad : seen).add(name + " deletes noncurrent versions after " + d + " days");
            }
        }
        if (bad.isEmpty()) {
            return Check.pass(
                    Rule.LIFECYCLE,
                    res,
                    rules.size() + " rule(s)"
                            + (seen.isEmpty() ? ", none expiring data early" : ": " + String.join("; ", seen)));
        }
        return Check.fail(
                Rule.LIFECYCLE,
                res,
                String.join("; ", bad) + " (fewer than " + MIN_DAYS + " days to notice an attack)",
                "aws s3api get-bucket-lifecycle-configuration --bucket " + bucket
                        + " > lc.json; raise Expiration.Days and "
                        + "NoncurrentVersionExpiration.NoncurrentDays to at least " + MIN_DAYS + "; aws s3api "
                        + "put-bucket-lifecycle-configuration --bucket " + bucket
                        + " --lifecycle-configuration file://lc.json");
    }

    static boolean blocksSseC(ServerSideEncryptionConfiguration c) {
        return c.rules().stream()
                .anyMatch(r -> r.blockedEncryptionTypes() != null
                        && r.blockedEncryptionTypes().encryptionTypeAsStrings().contains("SSE-C"));
    }

    static String describe(ServerSideEncryptionConfiguration c) {
        List<String> parts = new ArrayList<>();
        for (ServerSideEncryptionRule r : c.rules()) {
            String alg = r.applyServerSideEncryptionByDefault() == null
                    ? "none"
                    : r.applyServerSideEncryptionByDefault().sseAlgorithmAsString();
            String blocked = r.blockedEncryptionTypes() == null
                    ? "none"
                    : String.join(",", r.blockedEncryptionTypes().encryptionTypeAsStrings());
            parts.add("SSEAlgorithm=" + alg + " BlockedEncryptionTypes=" + blocked);
        }
        return parts.isEmpty() ? "no rules" : String.join("; ", parts);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
