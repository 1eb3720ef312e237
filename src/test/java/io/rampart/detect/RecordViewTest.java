package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.audit.CloudTrailRecord;
import io.rampart.audit.RequestFacts;
import io.rampart.audit.TrailLine;
import io.rampart.iam.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A line handed over in memory answers every path as its tree does (the detector reads its facts instead of building
 * the tree), and the detector raises the same findings from lines as from the records parsed back from their bytes.
 */
class RecordViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CloudTrailRecord RECORDS = new CloudTrailRecord("111122223333");
    private static final Principal USER = new Principal(
            "IAMUser",
            "111122223333",
            "arn:aws:iam::111122223333:user/analyst",
            "AIDAEXAMPLEUSERID0001",
            "analyst",
            "AKIAIOSFODNN7EXAMPLE",
            Optional.empty());
    private static final Principal ROOT = new Principal(
            "Root",
            "111122223333",
            "arn:aws:iam::111122223333:root",
            "111122223333",
            "",
            "AKIAROOTKEY000000001",
            Optional.empty());
    private static final Principal ROLE = new Principal(
            "AssumedRole",
            "444455556666",
            "arn:aws:sts::444455556666:assumed-role/ops/session-1",
            "AROAEXAMPLEROLEID0001:session-1",
            "ops",
            "ASIAEXAMPLETEMPKEY01",
            Optional.of(1_700_000_000_000L),
            true,
            Map.of());
    private static final Principal NO_ARN =
            new Principal("IAMUser", "", null, "AIDANOARN", null, null, Optional.empty());
    private static final List<Principal> WHO = List.of(USER, ROOT, ROLE, NO_ARN, Principal.anonymous());
    private static final List<String> EVENTS = List.of(
            "GetObject",
            "PutObject",
            "CopyObject",
            "DeleteObject",
            "DeleteObjects",
            "PostObject",
            "CompleteMultipartUpload",
            "CreateMultipartUpload",
            "UploadPartCopy",
            "HeadObject",
            "ListObjectsV2",
            "ScheduleKeyDeletion",
            "PutKeyPolicy",
            "AssumeRole");
    private static final List<String> IPS =
            List.of("127.0.0.1", "203.0.113.9", "203.0.114.9", "2001:db8:1:2::7", "s3.amazonaws.com", "");

    /** Facts of every shape a request has, drawn at random (the same draw every run). */
    private static RequestFacts facts(Random rnd, int i) {
        String event = EVENTS.get(rnd.nextInt(EVENTS.size()));
        String service = event.contains("Key") ? "kms" : event.equals("AssumeRole") ? "sts" : "s3";
        boolean s3 = service.equals("s3");
        Principal who = WHO.get(rnd.nextInt(WHO.size()));
        String bucket = s3 && rnd.nextInt(8) > 0 ? "bucket-" + rnd.nextInt(3) : null;
        // (every seventh key with a surrogate pair: written as two escapes, streamed all the same)
        String key =
                bucket != null && rnd.nextInt(5) > 0 ? (i % 7 == 0 ? "k/\uD83D\uDE00" : "k/") + rnd.nextInt(4) : null;
        Map<String, String> params = new LinkedHashMap<>();
        if (rnd.nextBoolean() && key != null) params.put("key", key);
        if (bucket != null && rnd.nextInt(6) > 0) params.put("bucketName", bucket);
        if (rnd.nextBoolean()) params.put("Host", "127.0.0.1:9000");
        if (rnd.nextInt(3) == 0) params.put("x-amz-server-side-encryption-customer-algorithm", "AES256");
        if (rnd.nextInt(4) == 0) params.put("x-amz-copy-source-server-side-encryption-customer-algorithm", "AES256");
        if (rnd.nextInt(3) == 0)
            params.put("x-amz-copy-source", rnd.nextBoolean() ? bucket + "/" + key : "/other/k%2F1?versionId=3");
        if (rnd.nextInt(5) == 0) params.put("x-amz-bypass-governance-retention", "true");
        if (rnd.nextInt(5) == 0) params.put("X-Amz-Signature", "never-written");
        if (rnd.nextInt(5) == 0) params.put("x-amz-server-side-encryption-customer-key", "never-written");
        if (rnd.nextInt(4) == 0) params.put("keyId", "arn:aws:kms:us-east-1:111122223333:key/k" + rnd.nextInt(2));
        if (rnd.nextInt(6) == 0) params.put("empty", "");
        Map<String, String> response = new LinkedHashMap<>();
        if (rnd.nextBoolean()) response.put("x-amz-server-side-encryption", rnd.nextBoolean() ? "AES256" : "aws:kms");
        if (rnd.nextInt(3) == 0) response.put("x-amz-server-side-encryption-aws-kms-key-id", "kms-" + rnd.nextInt(3));
        if (rnd.nextInt(4) == 0) response.put("x-amz-version-id", "v" + i);
        Map<String, Object> additional = new LinkedHashMap<>();
        if (rnd.nextBoolean()) {
            Map<String, Object> replaced = new LinkedHashMap<>();
            boolean existed = rnd.nextInt(3) > 0;
            replaced.put("existed", existed);
            if (existed)
                replaced.put(
                        "encryption",
                        List.of("none", "SSE-S3", "SSE-KMS", "SSE-C").get(rnd.nextInt(4)));
            additional.put("x-rampart-replaced", replaced);
        }
        if (rnd.nextInt(4) == 0) additional.put("x-rampart-copy-source", Map.of("sseCKeyGiven", rnd.nextBoolean()));
        if (rnd.nextInt(4) == 0) additional.put("x-rampart-kms-key", Map.of("protectsObjects", "true"));
        if (rnd.nextInt(5) == 0) additional.put("count", rnd.nextBoolean() ? (Object) 3 : (Object) 4_000_000_000L);
        if (rnd.nextInt(5) == 0) additional.put(CloudTrailRecord.RESOURCE_ACCOUNT, "777788889999");
        if (rnd.nextInt(5) == 0 && !s3)
            additional.put(CloudTrailRecord.KMS_KEY_ARN, "arn:aws:kms:us-east-1:222233334444:key/k1");
        boolean error = rnd.nextInt(5) == 0;
        boolean tls = rnd.nextInt(3) == 0;
        return RequestFacts.builder()
                .time(Instant.parse("2026-12-06T18:00:00Z").plusMillis(i * 700L))
                .requestId(rnd.nextInt(8) == 0 ? null : "REQ" + i)
                .hostId(rnd.nextBoolean() ? "aG9zdGlk" : null)
                .service(service)
                .eventName(event)
                .region("us-east-1")
                .principal(who)
                .accessKeyId(rnd.nextInt(4) == 0 ? "" : rnd.nextBoolean() ? "AKIACLAIMED000000001" : who.accessKeyId())
                .sourceIp(IPS.get(rnd.nextInt(IPS.size())))
                .userAgent(List.of("", "wrk", "[aws-cli/2.1 md/x]", "Boto3/1.35 m/Z,b Botocore/1.35")
                        .get(rnd.nextInt(4)))
                .bucket(bucket)
                .key(key)
                .requestParameters(Map.copyOf(params))
                .responseElements(Map.copyOf(response))
                .status(error ? 403 : 200)
                .errorCode(error ? "AccessDenied" : null)
                .errorMessage(error && rnd.nextBoolean() ? "Access Denied" : null)
                .bytesIn(rnd.nextInt(3) * 4096L)
                .bytesOut(rnd.nextInt(3) * 4096L)
                .authMethod(rnd.nextInt(4) == 0 ? null : "QueryString")
                .tlsVersion(tls ? "TLSv1.3" : null)
                .cipherSuite(tls ? "TLS_AES_128_GCM_SHA256" : null)
                .readOnly(event.startsWith("Get") || event.startsWith("Head") || event.startsWith("List"))
                .management(rnd.nextInt(6) == 0)
                .additional(additional)
                .build();
    }

    /** Every path in the tree (arrays flattened), one step past each, the rules' paths and a few that are nowhere. */
    private static Set<String> paths(JsonNode tree) {
        Set<String> out = new LinkedHashSet<>();
        walk(tree, "", out);
        for (String p : List.copyOf(out)) out.add(p + ".nope");
        for (Rule r : Rule.builtIn()) {
            rulePaths(r.match(), out);
            rulePaths(r.trigger(), out);
            if (r.after() != null) rulePaths(r.after().match(), out);
            out.addAll(r.groupBy());
            if (r.firstSeen() != null) out.addAll(r.firstSeen().fields());
            if (r.lowers() != null) out.addAll(r.lowers().fields());
        }
        out.addAll(List.of(
                "@bucket",
                "@principal",
                "@accessKey",
                "@object",
                "@copySource",
                "@userAgentProduct",
                "@sourceNetwork",
                "@targetBucket",
                "@lifecycleExpirationDays",
                "@publicPolicy",
                "nowhere",
                "serviceEventDetails.x",
                "p_event_time"));
        return out;
    }

    private static void walk(JsonNode n, String at, Set<String> out) {
        if (n.isArray()) {
            for (JsonNode e : n) walk(e, at, out);
            return;
        }
        if (!at.isEmpty()) out.add(at);
        if (n.isObject())
            n.properties().forEach(e -> walk(e.getValue(), at.isEmpty() ? e.getKey() : at + "." + e.getKey(), out));
    }

    private static void rulePaths(Match m, Set<String> out) {
        switch (m) {
            case Match.Field f -> {
                out.add(f.path());
                if (f.sameAs() != null) out.add(f.sameAs());
            }
            case Match.All a -> a.parts().forEach(p -> rulePaths(p, out));
            case Match.Any a -> a.parts().forEach(p -> rulePaths(p, out));
            case Match.Not n -> rulePaths(n.inner(), out);
            default -> {}
        }
    }

    @Test
    void aLineAnswersEveryPathAsItsTreeDoes() throws Exception {
        Random rnd = new Random(23);
        int streamed = 0;
        for (int i = 0; i < 3000; i++) {
            RequestFacts f = facts(rnd, i);
            TrailLine line = RECORDS.line(f);
            if (line.values(new String[] {"eventName"}) != null) streamed++;
            JsonNode tree = JSON.readTree(line.bytes());
            RecordView fromLine = RecordView.of(line);
            RecordView fromTree = RecordView.of(tree);
            for (String p : paths(tree)) {
                String where = "record " + i + " path " + p + ": " + tree;
                assertThat(fromLine.values(p)).as(where).isEqualTo(fromTree.values(p));
                if (!p.startsWith("@"))
                    assertThat(fromLine.hasNode(p)).as(where).isEqualTo(fromTree.hasNode(p));
            }
            assertThat(fromLine.time()).isEqualTo(fromTree.time());
            assertThat(fromLine.eventId()).isEqualTo(fromTree.eventId());
        }
        // Most shapes stream (and so answer from their facts); the others answer from their tree.
        assertThat(streamed).isGreaterThan(2000);
    }

    private record Seen(
            String rule,
            String principal,
            String key,
            String bucket,
            Instant first,
            Instant last,
            long n,
            List<String> evidence,
            List<String> responses) {
        static Seen of(Finding f) {
            return new Seen(
                    f.ruleId(),
                    f.principalArn(),
                    f.accessKeyId(),
                    f.bucket(),
                    f.firstTime(),
                    f.lastTime(),
                    f.count(),
                    f.evidence(),
                    f.responses().stream()
                            .map(r -> r.action() + " " + r.target())
                            .toList());
        }
    }

    /** The findings and responses of the built-in rules over records, taken as lines or parsed back from their bytes. */
    private static List<Seen> detect(List<TrailLine> lines, boolean asLines) throws Exception {
        List<Seen> out = new ArrayList<>();
        Detector.Responses responses =
                (a, f, target) -> List.of(new Finding.ResponseTaken(a.yamlName(), target, "done", Instant.EPOCH, null));
        Detector d = new Detector(Rule.builtIn(), responses, (f, isNew) -> out.add(Seen.of(f)));
        for (TrailLine l : lines) {
            if (asLines) d.accept(l);
            else d.accept(JSON.readTree(l.bytes()));
        }
        return out;
    }

    @Test
    void theDetectorFindsTheSameFromLinesAsFromParsedRecords() throws Exception {
        Random rnd = new Random(7);
        List<RequestFacts> facts = new ArrayList<>();
        for (int i = 0; i < 4000; i++) facts.add(facts(rnd, i));
        // Lines are made once: a line's event id is its own.
        List<TrailLine> lines = new ArrayList<>();
        for (RequestFacts f : facts) lines.add(RECORDS.line(f));
        List<Seen> fromLines = detect(lines, true);
        List<Seen> parsed = detect(lines, false);
        assertThat(fromLines).isEqualTo(parsed);
        // The draw raises findings of several rules, so the comparison says something.
        assertThat(parsed.stream().map(Seen::rule).distinct().count()).isGreaterThanOrEqualTo(5);
    }
}
