package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.iam.Principal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessLogFormatTest {
    private static RequestFacts facts(String key, String userAgent, String host) {
        Principal p = new Principal(
                "IAMUser",
                "123456789012",
                "arn:aws:iam::123456789012:user/alice",
                "AIDAEXAMPLE",
                "alice",
                "AKIAEXAMPLE",
                Optional.empty());
        return RequestFacts.builder()
                .time(Instant.parse("2019-02-06T00:00:38Z"))
                .requestId("3E57427F3EXAMPLE")
                .hostId("s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=")
                .service("s3")
                .eventName("GetObject")
                .region("us-east-1")
                .principal(p)
                .accessKeyId("AKIAEXAMPLE")
                .sourceIp("192.0.2.3")
                .userAgent(userAgent)
                .bucket("amzn-s3-demo-bucket1")
                .key(key)
                .requestParameters(Map.of("Host", host))
                .responseElements(Map.of("x-amz-version-id", "3HL4kqtJvjVBH40Nrjfkd"))
                .status(200)
                .bytesOut(113)
                .authMethod("AuthHeader")
                .tlsVersion("TLSv1.2")
                .cipherSuite("ECDHE-RSA-AES128-GCM-SHA256")
                .readOnly(true)
                .build();
    }

    @Test
    void aLineHasAwsFieldsInAwsOrder() {
        String line = AccessLogFormat.line(
                new ServedRequest(
                        facts("photos/cat.jpg", "S3Console/0.4", "s3.example"),
                        "REST.GET.OBJECT",
                        "GET /amzn-s3-demo-bucket1/photos/cat.jpg HTTP/1.1",
                        null,
                        113,
                        7,
                        5),
                "79a59df9");
        assertThat(line)
                .isEqualTo("79a59df9 amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 "
                        + "arn:aws:iam::123456789012:user/alice 3E57427F3EXAMPLE REST.GET.OBJECT photos/cat.jpg "
                        + "\"GET /amzn-s3-demo-bucket1/photos/cat.jpg HTTP/1.1\" 200 - 113 113 7 5 \"-\" \"S3Console/0.4\" "
                        + "3HL4kqtJvjVBH40Nrjfkd s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 "
                        + "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader s3.example TLSv1.2 - -");
    }

    @Test
    void clientControlledValuesCannotForgeFieldsOrLines() {
        String line = AccessLogFormat.line(
                new ServedRequest(
                        facts("a \"b\"\nc", "evil\" 200 \"x\nfake line", "h ost"),
                        "REST.GET.OBJECT",
                        "GET /b/k HTTP/1.1",
                        "ref\r\n",
                        -1,
                        1,
                        1),
                "owner");
        assertThat(line).doesNotContain("\n").doesNotContain("\r");
        assertThat(line)
                .contains(" a%20%22b%22%0Ac ")
                .contains("\"evil\\\" 200 \\\"x\\x0Afake line\"")
                .contains(" h%20ost ")
                .contains("\"ref\\x0D\\x0A\"");
    }
}
