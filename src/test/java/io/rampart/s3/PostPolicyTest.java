package io.rampart.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The POST policy grammar and its checks, row by row: what passes, what is AccessDenied, what is InvalidPolicyDocument. */
class PostPolicyTest {
    private static final long NOW = Instant.parse("2026-12-06T12:00:00Z").toEpochMilli();
    private static final PostForm FORM = new PostForm(
            List.of(
                    new PostForm.Field("key", "user/${filename}"),
                    new PostForm.Field("Content-Type", "image/png"),
                    new PostForm.Field("x-amz-meta-tag", "Blue"),
                    new PostForm.Field("x-ignore-anything", "1"),
                    new PostForm.Field("policy", "p"),
                    new PostForm.Field("x-amz-signature", "s")),
            "cat.png");

    private static String b64(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String doc(String conditions) {
        return "{\"expiration\":\"2026-12-06T13:00:00.000Z\",\"conditions\":[" + conditions + "]}";
    }

    private static final String ALL_NAMED = "[\"starts-with\",\"$key\",\"user/\"],{\"Content-Type\":\"image/png\"},"
            + "[\"eq\",\"$x-amz-meta-tag\",\"Blue\"]";

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "every field named                 | " + "@ALL",
                "operators and names in any case   | [\"STARTS-WITH\",\"$KEY\",\"user/\"],{\"content-type\":\"image/png\"},[\"Eq\",\"$X-Amz-Meta-Tag\",\"Blue\"]",
                "empty prefix matches anything     | [\"starts-with\",\"$key\",\"\"],[\"starts-with\",\"$Content-Type\",\"image/\"],{\"x-amz-meta-tag\":\"Blue\"}",
                "bucket comes from the URL         | " + "@ALL,{\"bucket\":\"photos\"}",
            })
    void passes(String name, String conditions) {
        PostPolicy.LengthRange r =
                PostPolicy.check(b64(doc(conditions.replace("@ALL", ALL_NAMED))), FORM, "photos", "user/cat.png", NOW);
        assertThat(r).isEqualTo(PostPolicy.LengthRange.ANY);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "value is case-sensitive      | @ALL,[\"eq\",\"$x-amz-meta-tag\",\"blue\"]                 | Policy Condition failed: [\"eq\", \"$x-amz-meta-tag\", \"blue\"]",
                "key checked after filename   | @ALL,[\"starts-with\",\"$key\",\"user/dog\"]                | Policy Condition failed: [\"starts-with\", \"$key\", \"user/dog\"]",
                "wrong bucket                 | @ALL,{\"bucket\":\"other\"}                                  | Policy Condition failed: [\"eq\", \"$bucket\", \"other\"]",
                "unnamed field                | [\"starts-with\",\"$key\",\"\"]                            | Extra input fields: Content-Type, x-amz-meta-tag",
            })
    void deniesAccordingToPolicy(String name, String conditions, String why) {
        S3Exception e = catchThrowableOfType(
                S3Exception.class,
                () -> PostPolicy.check(
                        b64(doc(conditions.replace("@ALL", ALL_NAMED))), FORM, "photos", "user/cat.png", NOW));
        assertThat(e.code()).isEqualTo(S3ErrorCode.ACCESS_DENIED);
        assertThat(e.getMessage()).isEqualTo("Invalid according to Policy: " + why);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not base64                 | !!!                                                                          | Invalid Policy: Invalid 'Base64' encoding.",
                "not JSON                   | B:{expiration                                                                | Invalid Policy: Invalid JSON.",
                "no expiration              | B:{\"conditions\":[]}                                                        | Invalid Policy: Policy missing expiration.",
                "no conditions              | B:{\"expiration\":\"2026-12-06T13:00:00Z\"}                                   | Invalid Policy: Policy missing conditions.",
                "bad expiration             | B:{\"expiration\":\"tomorrow\",\"conditions\":[]}                            | Invalid Policy: Invalid 'expiration' value: 'tomorrow'",
                "two-property condition     | B:{\"expiration\":\"2026-12-06T13:00:00Z\",\"conditions\":[{\"a\":\"1\",\"b\":\"2\"}]} | Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.",
                "unknown operator           | B:{\"expiration\":\"2026-12-06T13:00:00Z\",\"conditions\":[[\"ends-with\",\"$key\",\"x\"]]} | Invalid Policy: Invalid Condition: unknown operation 'ends-with'",
            })
    void refusesMalformedPolicies(String name, String policy, String message) {
        String encoded = policy.startsWith("B:") ? b64(policy.substring(2)) : policy;
        S3Exception e = catchThrowableOfType(
                S3Exception.class, () -> PostPolicy.check(encoded, FORM, "photos", "user/cat.png", NOW));
        assertThat(e.code()).isEqualTo(S3ErrorCode.INVALID_POLICY_DOCUMENT);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @ParameterizedTest(name = "expiration {0}")
    @CsvSource({"2026-12-06T12:00:00Z", "2026-12-06T11:59:59.999Z"})
    void anExpiredPolicyIsDenied(String expiration) {
        String policy = b64("{\"expiration\":\"" + expiration + "\",\"conditions\":[" + ALL_NAMED + "]}");
        S3Exception e = catchThrowableOfType(
                S3Exception.class, () -> PostPolicy.check(policy, FORM, "photos", "user/cat.png", NOW));
        assertThat(e.getMessage()).isEqualTo("Invalid according to Policy: Policy expired.");
    }

    @ParameterizedTest(name = "{0} bytes in [{1}, {2}]: {3}")
    @CsvSource({"3, 1, 10, ", "10, 10, 10, ", "11, 1, 10, EntityTooLarge", "0, 1, 10, EntityTooSmall"})
    void contentLengthRangeBoundsTheFile(int size, long min, long max, String error) throws Exception {
        PostPolicy.LengthRange r = PostPolicy.check(
                b64(doc(ALL_NAMED + ",[\"content-length-range\"," + min + ",\"" + max + "\"]")),
                FORM,
                "photos",
                "user/cat.png",
                NOW);
        assertThat(r).isEqualTo(new PostPolicy.LengthRange(min, max));
        var in = r.bound(new java.io.ByteArrayInputStream(new byte[size]));
        if (error == null) {
            assertThat(in.readAllBytes()).hasSize(size);
        } else {
            S3Exception e = catchThrowableOfType(S3Exception.class, in::readAllBytes);
            assertThat(e.code().code()).isEqualTo(error);
        }
    }
}
