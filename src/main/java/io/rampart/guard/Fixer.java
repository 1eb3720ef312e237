package io.rampart.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.guard.Read.Absent;
import io.rampart.guard.Read.Got;
import io.rampart.policy.PolicyDocument;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BlockedEncryptionTypes;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionByDefault;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * {@code --fix}: the safe part of the remediation, planned from a scan, applied only when asked. It only adds: blocks
 * SSE-C (on buckets that hold no SSE-C version), enables versioning, merges guard's deny statements into the bucket
 * policy keeping every existing statement, turns Block Public Access on. Nothing is deleted; each change prints the
 * command that makes it and the one that undoes it; a bucket already in shape gets no change, so a re-run is a no-op.
 */
public final class Fixer {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One change: the AWS CLI command equivalent to what guard does, and the one that undoes it. */
    public record Change(String bucket, String what, String command, String undo, Runnable apply) {}

    /** A change guard will not make, and why (with what to do instead). */
    public record Skip(String bucket, String what, String why) {}

    public record Plan(List<Change> changes, List<Skip> skips) {
        public String describe(boolean applied) {
            StringBuilder sb = new StringBuilder();
            if (changes.isEmpty()) {
                sb.append("fix: nothing to change\n");
            } else {
                sb.append(
                        applied
                                ? "fix: applied " + changes.size() + " change(s)\n"
                                : "fix (dry run): " + changes.size() + " change(s); re-run with --yes to apply\n");
            }
            for (Change c : changes) {
                sb.append("  ")
                        .append(applied ? "applied" : "would")
                        .append(": bucket ")
                        .append(c.bucket())
                        .append(": ")
                        .append(c.what())
                        .append('\n')
                        .append("    ")
                        .append(c.command())
                        .append('\n')
                        .append("    undo: ")
                        .append(c.undo())
                        .append('\n');
            }
            for (Skip s : skips) {
                sb.append("  skipped: bucket ")
                        .append(s.bucket())
                        .append(": ")
                        .append(s.what())
                        .append(": ")
                        .append(s.why())
                        .append('\n');
            }
            return sb.toString();
        }
    }

    private final S3Client s3;
    private final Inventory inventory;
    private final String accountId;

    public Fixer(Guard guard, Guard.Scan scan, Progress progress) {
        this.s3 = guard.target().s3;
        this.inventory = guard.inventory();
        this.accountId = scan.accountId();
    }

    public Plan plan(Guard.Scan scan) {
        List<Change> changes = new ArrayList<>();
        List<Skip> skips = new ArrayList<>();
        for (BucketChecks.Result r : scan.buckets()) {
            blockSseC(r, changes, skips);
            versioning(r, changes);
            policy(r, changes, skips);
            publicAccessBlock(r, changes);
        }
        return new Plan(changes, skips);
    }

    public void apply(Plan plan) {
        for (Change c : plan.changes()) c.apply().run();
    }

    private void blockSseC(BucketChecks.Result r, List<Change> changes, List<Skip> skips) {
        if (!r.failed(Rule.SSEC_BLOCKED)) return;
        String b = r.bucket();
        Inventory.Result inv = r.inventory().orElseGet(() -> inventory.scan(b));
        if (inv.failure() != null || inv.denied() > 0) {
            skips.add(new Skip(
                    b,
                    "block SSE-C",
                    "cannot tell whether it holds SSE-C objects ("
                            + inv.check(b).evidence() + ")"));
            return;
        }
        if (!inv.sseC().isEmpty()) {
            skips.add(new Skip(
                    b,
                    "block SSE-C",
                    inv.sseC().size() + " SSE-C version(s) found (e.g. "
                            + inv.sseC().get(0)
                            + "): if an application of yours writes them, move it to SSE-S3 or SSE-KMS first; if not, this may be an "
                            + "attack: restore the previous versions, then block SSE-C (aws s3api put-bucket-encryption ... "
                            + "\"BlockedEncryptionTypes\":{\"EncryptionType\":[\"SSE-C\"]})"));
            return;
        }
        ServerSideEncryptionConfiguration before;
        String undo;
        if (r.encryption() instanceof Got<ServerSideEncryptionConfiguration> g) {
            before = g.value();
            undo = "aws s3api put-bucket-encryption --bucket " + b + " --server-side-encryption-configuration '"
                    + encJson(before) + "'";
        } else if (r.encryption() instanceof Absent<ServerSideEncryptionConfiguration>) {
            before = ServerSideEncryptionConfiguration.builder()
                    .rules(ServerSideEncryptionRule.builder()
                            .applyServerSideEncryptionByDefault(ServerSideEncryptionByDefault.builder()
                                    .sseAlgorithm(ServerSideEncryption.AES256)
                                    .build())
                            .build())
                    .build();
            undo = "aws s3api delete-bucket-encryption --bucket " + b;
        } else {
            return;
        }
        List<ServerSideEncryptionRule> rules = before.rules().stream()
                .map(x -> x.toBuilder()
                        .blockedEncryptionTypes(BlockedEncryptionTypes.builder()
                                .encryptionType(EncryptionType.SSE_C)
                                .build())
                        .build())
                .toList();
        ServerSideEncryptionConfiguration after =
                ServerSideEncryptionConfiguration.builder().rules(rules).build();
        changes.add(new Change(
                b,
                "block SSE-C writes (BlockedEncryptionTypes SSE-C; " + inv.versions() + " versions, none SSE-C)",
                "aws s3api put-bucket-encryption --bucket " + b + " --server-side-encryption-configuration '"
                        + encJson(after) + "'",
                undo,
                () -> s3.putBucketEncryption(x -> x.bucket(b).serverSideEncryptionConfiguration(after))));
    }

    private void versioning(BucketChecks.Result r, List<Change> changes) {
        if (!r.failed(Rule.VERSIONING)) return;
        String b = r.bucket();
        changes.add(new Change(
                b,
                "enable versioning",
                "aws s3api put-bucket-versioning --bucket " + b + " --versioning-configuration Status=Enabled",
                "aws s3api put-bucket-versioning --bucket " + b + " --versioning-configuration Status=Suspended "
                        + "(versions kept so far stay)",
                () -> s3.putBucketVersioning(
                        x -> x.bucket(b).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)))));
    }

    private void policy(BucketChecks.Result r, List<Change> changes, List<Skip> skips) {
        String b = r.bucket();
        List<String> add = new ArrayList<>();
        List<String> what = new ArrayList<>();
        if (r.failed(Rule.SSEC_POLICY)) {
            add.add(Statements.denySseCUploads(b));
            what.add("deny SSE-C uploads");
        }
        if (r.failed(Rule.LONG_LIVED_GUARDRAIL)) {
            add.add(Statements.denyLongLivedKeyWrites(b, accountId));
            what.add("deny object writes with long-lived keys (break-glass user and role exempt)");
        }
        if (add.isEmpty()) return;
        String before;
        String undo;
        if (r.policy() instanceof Got<String> g) {
            before = g.value();
            undo = "aws s3api put-bucket-policy --bucket " + b + " --policy '" + before.replace("'", "'\\''") + "'";
        } else if (r.policy() instanceof Absent<String>) {
            before = null;
            undo = "aws s3api delete-bucket-policy --bucket " + b;
        } else {
            return;
        }
        String after;
        try {
            after = merge(before, add);
        } catch (IllegalStateException e) {
            skips.add(new Skip(b, String.join(", ", what), e.getMessage()));
            return;
        }
        if (after.length() > PolicyDocument.MAX_BUCKET_POLICY_BYTES) {
            skips.add(new Skip(b, String.join(", ", what), "the merged policy would exceed S3's 20 KB limit"));
            return;
        }
        changes.add(new Change(
                b,
                "bucket policy: add " + String.join(" and ", what) + ", keeping every existing statement",
                "aws s3api put-bucket-policy --bucket " + b + " --policy '" + after + "'",
                undo,
                () -> s3.putBucketPolicy(x -> x.bucket(b).policy(after))));
    }

    /** {@code before} (or a new document) with {@code statements} appended; an existing statement with one of their Sids refuses. */
    static String merge(String before, List<String> statements) {
        try {
            ObjectNode doc = before == null
                    ? (ObjectNode) JSON.readTree("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
                    : (ObjectNode) JSON.readTree(before);
            JsonNode existing = doc.get("Statement");
            ArrayNode list = JSON.createArrayNode();
            if (existing != null && existing.isArray()) list.addAll((ArrayNode) existing);
            else if (existing != null) list.add(existing);
            Set<String> sids = new HashSet<>();
            list.forEach(s -> sids.add(s.path("Sid").asText("")));
            for (String s : statements) {
                JsonNode stmt = JSON.readTree(s);
                if (sids.contains(stmt.path("Sid").asText())) {
                    throw new IllegalStateException("the policy already has a statement "
                            + stmt.path("Sid").asText() + " that does not do what guard expects: edit it by hand");
                }
                list.add(stmt);
            }
            doc.set("Statement", list);
            return JSON.writeValueAsString(doc);
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException(
                    "the bucket policy is not a JSON object guard can merge into: edit it by hand");
        }
    }

    private void publicAccessBlock(BucketChecks.Result r, List<Change> changes) {
        if (!r.failed(Rule.PUBLIC_ACCESS_BLOCK)) return;
        String b = r.bucket();
        String undo;
        if (r.publicAccessBlock() instanceof Got<PublicAccessBlockConfiguration> g) {
            PublicAccessBlockConfiguration c = g.value();
            undo = "aws s3api put-public-access-block --bucket " + b
                    + " --public-access-block-configuration BlockPublicAcls="
                    + bool(c.blockPublicAcls()) + ",IgnorePublicAcls=" + bool(c.ignorePublicAcls())
                    + ",BlockPublicPolicy="
                    + bool(c.blockPublicPolicy()) + ",RestrictPublicBuckets=" + bool(c.restrictPublicBuckets());
        } else if (r.publicAccessBlock() instanceof Absent<PublicAccessBlockConfiguration>) {
            undo = "aws s3api delete-public-access-block --bucket " + b;
        } else {
            return;
        }
        changes.add(new Change(
                b,
                "turn Block Public Access fully on",
                "aws s3api put-public-access-block --bucket " + b + " --public-access-block-configuration "
                        + "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
                undo,
                () -> s3.putPublicAccessBlock(x -> x.bucket(b)
                        .publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                                .ignorePublicAcls(true)
                                .blockPublicPolicy(true)
                                .restrictPublicBuckets(true)))));
    }

    private static boolean bool(Boolean b) {
        return Boolean.TRUE.equals(b);
    }

    /** The configuration as the AWS CLI's --server-side-encryption-configuration JSON. */
    static String encJson(ServerSideEncryptionConfiguration c) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode rules = root.putArray("Rules");
        for (ServerSideEncryptionRule r : c.rules()) {
            ObjectNode rule = rules.addObject();
            if (r.applyServerSideEncryptionByDefault() != null) {
                ObjectNode d = rule.putObject("ApplyServerSideEncryptionByDefault");
                d.put("SSEAlgorithm", r.applyServerSideEncryptionByDefault().sseAlgorithmAsString());
                Optional.ofNullable(r.applyServerSideEncryptionByDefault().kmsMasterKeyID())
                        .ifPresent(k -> d.put("KMSMasterKeyID", k));
            }
            if (r.bucketKeyEnabled() != null) rule.put("BucketKeyEnabled", r.bucketKeyEnabled());
            if (r.blockedEncryptionTypes() != null) {
                ArrayNode types = rule.putObject("BlockedEncryptionTypes").putArray("EncryptionType");
                r.blockedEncryptionTypes().encryptionTypeAsStrings().forEach(types::add);
            }
        }
        return root.toString();
    }
}
