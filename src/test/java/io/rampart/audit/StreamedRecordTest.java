package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.iam.Principal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The streamed record is the tree's bounded record byte for byte, and the records it cannot stream go the tree way. */
class StreamedRecordTest {
    private static final CloudTrailRecord RECORDS = new CloudTrailRecord("111122223333");
    private static final Principal USER = new Principal(
            "IAMUser",
            "111122223333",
            "arn:aws:iam::111122223333:user/analyst",
            "AIDAEXAMPLEUSERID0001",
            "analyst",
            "AKIAIOSFODNN7EXAMPLE",
            Optional.empty());
    private static final Principal ROLE = new Principal(
            "AssumedRole",
            "111122223333",
            "arn:aws:sts::111122223333:assumed-role/ops/session-1",
            "AROAEXAMPLEROLEID0001:session-1",
            "ops",
            "ASIAEXAMPLETEMPKEY01",
            Optional.of(1_700_000_000_000L),
            true,
            Map.of());

    private static RequestFacts facts(
            String service,
            String eventName,
            Principal who,
            String sourceIp,
            String bucket,
            String key,
            Map<String, String> params,
            Map<String, String> response,
            String errorCode,
            String tls,
            boolean readOnly,
            Map<String, Object> additional) {
        return new RequestFacts(
                Instant.parse("2026-12-06T18:00:01.250Z"),
                "07D681123BD12AED",
                "aG9zdGlk",
                service,
                eventName,
                "us-east-1",
                who,
                who == null ? "AKIACLAIMED000000001" : who.accessKeyId(),
                sourceIp,
                "aws-sdk-java/2.57.8",
                bucket,
                key,
                params,
                response,
                errorCode == null ? 200 : 403,
                errorCode,
                errorCode == null ? null : "Access Denied",
                4096,
                0,
                "QueryString",
                tls,
                tls == null ? null : "TLS_AES_128_GCM_SHA256",
                readOnly,
                false,
                Map.of(),
                additional);
    }

    private static Map<String, String> params(String bucket, String key, String... more) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("x-amz-date", "20261206T180001Z");
        m.put("bucketName", bucket);
        m.put("Host", "127.0.0.1:9000");
        for (int i = 0; i < more.length; i += 2) m.put(more[i], more[i + 1]);
        return m;
    }

    private static void assertSameAsTree(RequestFacts f) {
        byte[] streamed = StreamedRecord.write(RECORDS, f, "6f1c0b5e-1111-4222-8333-444455556666");
        assertThat(streamed).as("streamed").isNotNull();
        byte[] tree = RecordBounds.bounded(RECORDS.of(f, "6f1c0b5e-1111-4222-8333-444455556666"));
        assertThat(new String(streamed, StandardCharsets.UTF_8))
                .isEqualTo(new String(tree, StandardCharsets.UTF_8) + "\n");
        // What the detector takes in memory is what it would read back from the line.
        TrailLine line = RECORDS.line(f);
        assertThat(parse(line.bytes())).isEqualTo(parse(line.record().toString().getBytes(StandardCharsets.UTF_8)));
        assertThat(line.bytes()[line.bytes().length - 1]).isEqualTo((byte) '\n');
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(byte[] json) {
        try {
            return CloudTrailRecord.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyShapeOfRequestStreamsToTheTreesBytes() {
        assertSameAsTree(facts(
                "s3",
                "GetObject",
                USER,
                "127.0.0.1",
                "photos",
                "a/b.jpg",
                params("photos", "a/b.jpg"),
                Map.of(),
                null,
                null,
                true,
                Map.of()));
        assertSameAsTree(facts(
                "s3",
                "PutObject",
                ROLE,
                "192.0.2.10",
                "photos",
                "ünïcode/ключ ✓",
                params(
                        "photos",
                        "ünïcode/ключ ✓",
                        "x-amz-server-side-encryption",
                        "AES256",
                        "X-Amz-Signature",
                        "secret-never-written"),
                Map.of("x-amz-version-id", "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd", "x-amz-server-side-encryption", "AES256"),
                null,
                "TLSv1.3",
                false,
                Map.of("replacedVersionId", "null", "replacedSize", 4096L, "overwrote", true, "parts", 3)));
        // what a PUT notes it replaced: a map of scalars, in the map's order
        Map<String, Object> replaced = new LinkedHashMap<>();
        replaced.put("existed", true);
        replaced.put("encryption", "SSE-S3");
        replaced.put("size", 4096L);
        replaced.put("nested", Map.of("parts", 2));
        assertSameAsTree(facts(
                "s3",
                "PutObject",
                USER,
                "127.0.0.1",
                "b",
                "k",
                params("b", "k"),
                Map.of("x-amz-version-id", "v2"),
                null,
                null,
                false,
                Map.of("x-rampart-replaced", replaced, "x-rampart-copy-source", Map.of())));
        assertSameAsTree(facts(
                "s3",
                "DeleteObjects",
                USER,
                "127.0.0.1",
                "photos",
                null,
                params("photos", null),
                Map.of(),
                null,
                null,
                false,
                Map.of()));
        assertSameAsTree(facts(
                "s3",
                "GetObject",
                null,
                "127.0.0.1",
                "photos",
                "k",
                params("photos", "k"),
                Map.of(),
                "AccessDenied",
                null,
                true,
                Map.of()));
        assertSameAsTree(facts(
                "kms",
                "GenerateDataKey",
                ROLE,
                CloudTrailRecord.INVOKED_BY_S3,
                null,
                null,
                Map.of("keyId", "alias/app"),
                Map.of(),
                null,
                null,
                true,
                Map.of(CloudTrailRecord.KMS_KEY_ARN, "arn:aws:kms:us-east-1:444455556666:key/1234abcd")));
        assertSameAsTree(facts(
                "s3",
                "ListBuckets",
                Principal.anonymous(),
                "127.0.0.1",
                null,
                null,
                Map.of(),
                Map.of(),
                null,
                null,
                true,
                Map.of()));
        // a control character, quotes and backslashes are escaped as Jackson escapes them in the tree
        assertSameAsTree(facts(
                "s3",
                "HeadObject",
                USER,
                "127.0.0.1",
                "b",
                "q\"\\\u0001\n",
                params("b", "q\"\\\u0001\n"),
                Map.of(),
                null,
                null,
                true,
                Map.of()));
    }

    @Test
    void recordsTheBoundsWouldChangeGoTheTreeWay() {
        String tooLong = "k".repeat(RecordBounds.MAX_STRING + 1);
        assertThat(StreamedRecord.write(
                        RECORDS,
                        facts(
                                "s3",
                                "GetObject",
                                USER,
                                "127.0.0.1",
                                "b",
                                tooLong,
                                params("b", tooLong),
                                Map.of(),
                                null,
                                null,
                                true,
                                Map.of()),
                        "id"))
                .isNull();
        String lone = "a\uD800b";
        assertThat(StreamedRecord.write(
                        RECORDS,
                        facts(
                                "s3",
                                "GetObject",
                                USER,
                                "127.0.0.1",
                                "b",
                                "k",
                                params("b", "k", lone, "v"),
                                Map.of(),
                                null,
                                null,
                                true,
                                Map.of()),
                        "id"))
                .isNull();
        RequestFacts nested = facts(
                "sts",
                "AssumeRole",
                USER,
                "127.0.0.1",
                null,
                null,
                Map.of(),
                Map.of("credentials.accessKeyId", "ASIA1"),
                null,
                null,
                false,
                Map.of());
        assertThat(StreamedRecord.write(RECORDS, nested, "id")).isNull();
        RequestFacts structured = facts(
                "s3",
                "PutObject",
                USER,
                "127.0.0.1",
                "b",
                "k",
                params("b", "k"),
                Map.of(),
                null,
                null,
                false,
                Map.of("replaced", List.of("v1", "v2")));
        assertThat(StreamedRecord.write(RECORDS, structured, "id")).isNull();
        // a surrogate pair is kept by the bounds, but goes the tree way too (found as an escape in the bytes)
        String emoji = "photo-\uD83D\uDE00.jpg";
        RequestFacts paired = facts(
                "s3",
                "GetObject",
                USER,
                "127.0.0.1",
                "b",
                emoji,
                params("b", emoji),
                Map.of(),
                null,
                null,
                true,
                Map.of());
        assertThat(StreamedRecord.write(RECORDS, paired, "id")).isNull();
        TrailLine pairedLine = RECORDS.line(paired);
        assertThat(parse(pairedLine.bytes())
                        .path("requestParameters")
                        .path("key")
                        .asText())
                .isEqualTo(emoji);
        assertThat(parse(pairedLine.bytes()).toString())
                .isEqualTo(pairedLine.record().toString());
        // a lone surrogate in additional data and a backslash before "uD800" that is no escape
        assertThat(StreamedRecord.write(
                        RECORDS,
                        facts(
                                "s3",
                                "PutObject",
                                USER,
                                "127.0.0.1",
                                "b",
                                "k",
                                params("b", "k"),
                                Map.of(),
                                null,
                                null,
                                false,
                                Map.of("note", "x\uDC00")),
                        "id"))
                .isNull();
        assertSameAsTree(facts(
                "s3",
                "GetObject",
                USER,
                "127.0.0.1",
                "b",
                "a\\uD800",
                params("b", "a\\uD800"),
                Map.of(),
                null,
                null,
                true,
                Map.of()));
        // ... and line() still writes them, bounded
        String line = new String(
                RECORDS.line(facts(
                                "s3",
                                "GetObject",
                                USER,
                                "127.0.0.1",
                                "b",
                                tooLong,
                                params("b", tooLong),
                                Map.of(),
                                null,
                                null,
                                true,
                                Map.of()))
                        .bytes(),
                StandardCharsets.UTF_8);
        assertThat(line).contains("\"omitted\":true").hasSizeLessThan(RecordBounds.MAX_RECORD_BYTES);
    }

    @Test
    void eventIdsAreDistinctVersion4Uuids() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = EventIds.next();
            assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(seen.add(id)).as("unique: %s", id).isTrue();
        }
    }
}
