package io.rampart.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestTargetTest {

    @ParameterizedTest(name = "{0} host={2} -> bucket={3} key={4}")
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "/                       | NULL     | 127.0.0.1:9000           | NULL   | NULL",
                "/photos                 | NULL     | 127.0.0.1:9000           | photos | NULL",
                "/photos/                | NULL     | 127.0.0.1:9000           | photos | NULL",
                "/photos/a/b.txt         | NULL     | 127.0.0.1:9000           | photos | a/b.txt",
                "/photos/..%2F..%2Fetc   | NULL     | 127.0.0.1:9000           | photos | ../../etc",
                "/photos/a//b            | NULL     | 127.0.0.1:9000           | photos | a//b",
                "/photos/a%20b+c         | NULL     | 127.0.0.1:9000           | photos | a b+c",
                "/photos/%E6%97%A5%0A    | NULL     | 127.0.0.1:9000           | photos | '日\n'",
                "/a/b.txt                | s3.test  | photos.s3.test:9000      | photos | a/b.txt",
                "/                       | s3.test  | photos.s3.test           | photos | NULL",
                "/photos/a.txt           | s3.test  | s3.test:9000             | photos | a.txt",
            })
    void bucketAndKeyComeFromPathOrVirtualHost(String path, String domain, String host, String bucket, String key) {
        RequestTarget t = RequestTarget.parse(path.trim(), "", host, domain);
        assertThat(t.bucket()).isEqualTo(bucket);
        assertThat(t.key()).isEqualTo(key == null ? null : key.replace("\\n", "\n"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "prefix=a+b       | prefix | a b",
                "prefix=a%2Bb     | prefix | a+b",
                "uploads          | uploads | ''",
                "list-type=2&x=1  | list-type | 2",
            })
    void queryIsDecodedAsS3ReadsIt(String raw, String name, String value) {
        assertThat(RequestTarget.parseQuery(raw.trim())).containsEntry(name.trim(), value.trim());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "s3.test | site.s3-website.s3.test:9000           | site     | true  | true",
                "s3.test | site.s3-website-eu-west-1.s3.test      | site     | true  | true",
                "s3.test | my.site.s3-website.us-east-1.s3.test   | my.site  | true  | true",
                "s3.test | site.s3.test                           | site     | true  | false",
                "s3.test | s3.test                                | NULL     | false | false",
            })
    void websiteEndpointHostsNameTheirBucket(
            String domain, String host, String bucket, boolean virtualHost, boolean website) {
        RequestTarget t = RequestTarget.parse("/", "", host, domain);
        assertThat(t.bucket()).isEqualTo(bucket);
        assertThat(t.virtualHost()).isEqualTo(virtualHost);
        assertThat(t.website()).isEqualTo(website);
    }
}
