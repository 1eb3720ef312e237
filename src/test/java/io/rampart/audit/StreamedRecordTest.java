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
        // a surrogate pair is kept by the bounds, and streams (each half escaped, as Jackson writes it)
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
        assertSameAsTree(paired);
        assertThat(new String(StreamedRecord.write(RECORDS, paired, "id"), StandardCharsets.UTF_8))
                .contains("photo-\\uD83D\\uDE00.jpg");
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

    /** Characters of every escaping and encoding class: ASCII, escapes, controls, 2- and 3-byte UTF-8, surrogates. */
    private static final String[] PIECES = {
        "a",
        "Z",
        "0",
        " ",
        "-",
        "/",
        ":",
        ".",
        "\"",
        "\\",
        "\b",
        "\t",
        "\n",
        "\f",
        "\r",
        "\u0000",
        "\u001f",
        "\u007f",
        "\u0080",
        "é",
        "ß",
        "\u07ff",
        "\u0800",
        "日",
        "ключ",
        "\u2028",
        "\u2029",
        "\uFEFF",
        "\uFFFD",
        "\uFFFF",
        "\uD83D\uDE00",
        "\uD800\uDC00",
        "\uDBFF\uDFFF",
        "{",
        "}",
        "[",
        "]",
        ",",
        "<",
        "&",
        "'",
        "uD800",
        "\\u"
    };

    /** A random text: mostly short and plain, sometimes any of {@link #PIECES}, rarely a lone surrogate or too long. */
    private static String text(java.util.Random rnd) {
        int kind = rnd.nextInt(100);
        if (kind < 30) return "v" + rnd.nextInt(1000);
        if (kind == 30) return "";
        if (kind == 31) return "x".repeat(RecordBounds.MAX_STRING - 2 + rnd.nextInt(4));
        if (kind == 32) return rnd.nextBoolean() ? "a\uD800" : "\uDC00b";
        StringBuilder b = new StringBuilder();
        int n = rnd.nextInt(12);
        for (int i = 0; i < n; i++) b.append(PIECES[rnd.nextInt(PIECES.length)]);
        return b.toString();
    }

    private static String nullable(java.util.Random rnd) {
        return rnd.nextInt(6) == 0 ? null : text(rnd);
    }

    private static final List<String> EVENT_NAMES = List.of(
            "GetObject",
            "PutObject",
            "CopyObject",
            "DeleteObjects",
            "CompleteMultipartUpload",
            "UploadPart",
            "PostObject",
            "ListBuckets",
            "AssumeRole",
            "CreateAccessKey",
            "GenerateDataKey",
            "Unknown");

    private static Principal principal(java.util.Random rnd) {
        return switch (rnd.nextInt(7)) {
            case 0 -> null;
            case 1 -> Principal.anonymous();
            case 2 -> USER;
            case 3 -> ROLE;
            case 4 ->
                new Principal(
                        "AssumedRole",
                        text(rnd),
                        "arn:aws:sts::" + text(rnd) + ":assumed-role/" + text(rnd) + "/" + text(rnd),
                        text(rnd) + (rnd.nextBoolean() ? ":" + text(rnd) : ""),
                        nullable(rnd),
                        nullable(rnd),
                        Optional.of(rnd.nextLong(4_000_000_000_000L)),
                        rnd.nextBoolean(),
                        Map.of());
            case 5 ->
                new Principal(
                        rnd.nextBoolean() ? "IAMUser" : "FederatedUser",
                        text(rnd),
                        text(rnd),
                        text(rnd),
                        nullable(rnd),
                        nullable(rnd),
                        rnd.nextBoolean() ? Optional.of(rnd.nextLong(4_000_000_000_000L)) : Optional.empty(),
                        rnd.nextBoolean(),
                        Map.of());
            // (a principal always has an account: the record's recipient reads it)
            default ->
                new Principal(
                        nullable(rnd),
                        text(rnd),
                        nullable(rnd),
                        nullable(rnd),
                        nullable(rnd),
                        nullable(rnd),
                        Optional.empty());
        };
    }

    private static Object additionalValue(java.util.Random rnd, int depth) {
        return switch (rnd.nextInt(depth < 3 ? 8 : 6)) {
            case 0, 1 -> text(rnd);
            case 2 -> rnd.nextBoolean();
            case 3 -> rnd.nextInt() >> rnd.nextInt(32);
            case 4 -> rnd.nextBoolean() ? rnd.nextLong() : (Object) (long) rnd.nextInt(10_000);
            case 5 -> rnd.nextInt(30) == 0 ? List.of(text(rnd)) : rnd.nextInt(2) == 0 ? Long.MIN_VALUE : 0;
            default -> {
                Map<String, Object> m = new LinkedHashMap<>();
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) m.put(text(rnd), additionalValue(rnd, depth + 1));
                yield m;
            }
        };
    }

    private static RequestFacts randomFacts(java.util.Random rnd) {
        String service = List.of("s3", "s3", "s3", "iam", "sts", "kms").get(rnd.nextInt(6));
        String bucket = rnd.nextInt(4) == 0 ? null : text(rnd);
        String key = rnd.nextInt(3) == 0 ? null : text(rnd);
        Map<String, String> params = new LinkedHashMap<>();
        if (bucket != null && rnd.nextInt(5) > 0) params.put("bucketName", bucket);
        if (key != null && rnd.nextInt(5) > 0) params.put("key", key);
        if (rnd.nextBoolean()) params.put("Host", text(rnd));
        int more = rnd.nextInt(5);
        for (int i = 0; i < more; i++) {
            String name = switch (rnd.nextInt(8)) {
                case 0 -> "x-amz-server-side-encryption";
                case 1 -> "x-amz-server-side-encryption-customer-algorithm";
                case 2 -> "X-Amz-Security-Token";
                case 3 -> "x-amz-server-side-encryption-customer-key";
                case 4 -> "n".repeat(RecordBounds.MAX_NAME - 1 + rnd.nextInt(3));
                default -> text(rnd);
            };
            params.put(name, text(rnd));
        }
        Map<String, String> response = new LinkedHashMap<>();
        int answers = rnd.nextInt(4);
        for (int i = 0; i < answers; i++) {
            String name = switch (rnd.nextInt(6)) {
                case 0 -> "x-amz-server-side-encryption";
                case 1 -> "x-amz-version-id";
                case 2 -> "assumedRoleUser.arn";
                case 3 -> "x-amz-server-side-encryption-customer-algorithm";
                default -> text(rnd).replace('.', '_');
            };
            response.put(name, rnd.nextBoolean() ? "aws:kms" : text(rnd));
        }
        Map<String, Object> additional = new LinkedHashMap<>();
        int extras = rnd.nextInt(4);
        for (int i = 0; i < extras; i++) {
            String name = switch (rnd.nextInt(10)) {
                case 0 -> CloudTrailRecord.KMS_KEY_ARN;
                case 1 -> CloudTrailRecord.RESOURCE_ACCOUNT;
                case 2 -> "x-rampart-replaced";
                case 3 -> rnd.nextInt(4) == 0 ? "bytesTransferredOut" : "x-rampart-copy-source";
                default -> text(rnd);
            };
            Object value = name.equals(CloudTrailRecord.KMS_KEY_ARN)
                    ? (rnd.nextBoolean() ? "arn:aws:kms:us-east-1:" + text(rnd) + ":key/" + text(rnd) : text(rnd))
                    : additionalValue(rnd, 0);
            additional.put(name, value);
        }
        Map<String, com.fasterxml.jackson.databind.JsonNode> documents = rnd.nextInt(40) == 0
                ? Map.of(
                        "bucketPolicy", CloudTrailRecord.JSON.createObjectNode().put("Version", "2012-10-17"))
                : Map.of();
        boolean error = rnd.nextInt(4) == 0;
        boolean tls = rnd.nextInt(3) == 0;
        return RequestFacts.builder()
                .time(Instant.ofEpochMilli(rnd.nextLong(4_000_000_000_000L)))
                .requestId(nullable(rnd))
                .hostId(rnd.nextBoolean() ? null : text(rnd))
                .service(service)
                .eventName(rnd.nextInt(10) == 0 ? text(rnd) : EVENT_NAMES.get(rnd.nextInt(EVENT_NAMES.size())))
                .region(nullable(rnd))
                .principal(principal(rnd))
                .accessKeyId(rnd.nextInt(3) == 0 ? "" : nullable(rnd))
                .sourceIp(rnd.nextInt(5) == 0 ? CloudTrailRecord.INVOKED_BY_S3 : nullable(rnd))
                .userAgent(rnd.nextInt(5) == 0 ? "[" + text(rnd) + "]" : nullable(rnd))
                .bucket(bucket)
                .key(key)
                .requestParameters(params)
                .responseElements(response)
                .status(error ? 403 : 200)
                .errorCode(error ? text(rnd) : null)
                .errorMessage(error ? nullable(rnd) : null)
                .bytesIn(rnd.nextBoolean() ? rnd.nextInt(1 << 20) : rnd.nextLong())
                .bytesOut(rnd.nextBoolean() ? rnd.nextInt(1 << 20) : rnd.nextLong())
                .authMethod(rnd.nextInt(3) == 0 ? null : rnd.nextBoolean() ? "QueryString" : text(rnd))
                .tlsVersion(tls ? text(rnd) : null)
                .cipherSuite(tls || rnd.nextInt(5) == 0 ? nullable(rnd) : null)
                .readOnly(rnd.nextBoolean())
                .management(rnd.nextBoolean())
                .documents(documents)
                .additional(additional)
                .build();
    }

    /**
     * Thousands of random records of every shape the trail writes (every optional field present and absent, strings of
     * every escaping class, surrogate pairs, lone surrogates, strings and names at and over the bounds, additional
     * data of every kind): every record that streams is Jackson's bytes of its bounded tree, and most records stream.
     */
    @Test
    void randomRecordsStreamToTheBoundedTreesBytes() {
        java.util.Random rnd = new java.util.Random(2026_12_07L);
        int streamed = 0;
        int total = 20_000;
        for (int i = 0; i < total; i++) {
            RequestFacts f = randomFacts(rnd);
            String eventId = EventIds.next();
            byte[] line = StreamedRecord.write(RECORDS, f, eventId);
            if (line == null) continue;
            streamed++;
            byte[] tree = RecordBounds.bounded(RECORDS.of(f, eventId));
            assertThat(new String(line, StandardCharsets.UTF_8))
                    .as("record %d", i)
                    .isEqualTo(new String(tree, StandardCharsets.UTF_8) + "\n");
            assertThat(line).as("record %d, bytes", i).isEqualTo(CloudTrailRecord.withNewline(tree));
        }
        assertThat(streamed).isGreaterThan(total / 2);
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
