package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code --blobs} value: a directory or an S3 bucket URL, and what is wrong with a bad one. */
class BlobLocationTest {
    @Test
    void aPathIsADirectoryWithItsTempFilesInsideAndTheDefaultGrace() {
        BlobLocation l = BlobLocation.parse("/srv/shared/blobs/", Map.of());
        assertThat(l)
                .isEqualTo(new BlobLocation.Directory(
                        Path.of("/srv/shared/blobs"),
                        Path.of("/srv/shared/blobs/.tmp"),
                        BlobLocation.DEFAULT_SWEEP_GRACE));
    }

    @Test
    void theDataDirectoryDefaultIsPrivateSoItsSweepHasNoGrace() {
        BlobLocation.Directory d = BlobLocation.defaultFor(Path.of("/data"));
        assertThat(d.dir()).isEqualTo(Path.of("/data/blobs"));
        assertThat(d.tmp()).isEqualTo(Path.of("/data/tmp"));
        assertThat(d.sweepGrace()).isZero();
    }

    @Test
    void anS3UrlNamesBucketPrefixEndpointRegionAndTakesCredentialsFromTheEnvironment() {
        BlobLocation l = BlobLocation.parse(
                "s3://my-blobs/cluster/one/?endpoint=http%3A%2F%2F10.0.0.5%3A9000&region=eu-west-1",
                Map.of(
                        "RAMPART_BLOBS_ACCESS_KEY_ID",
                        "AKIAEXAMPLE",
                        "RAMPART_BLOBS_SECRET_ACCESS_KEY",
                        "secret-value"));
        BlobLocation.S3 s3 = (BlobLocation.S3) l;
        assertThat(s3.bucket()).isEqualTo("my-blobs");
        assertThat(s3.prefix()).isEqualTo("cluster/one");
        assertThat(s3.endpoint()).isEqualTo(URI.create("http://10.0.0.5:9000"));
        assertThat(s3.region()).isEqualTo("eu-west-1");
        assertThat(s3.accessKeyId()).isEqualTo("AKIAEXAMPLE");
        assertThat(s3.secretAccessKey()).isEqualTo("secret-value");
        assertThat(s3.toString()).doesNotContain("secret-value");
    }

    @Test
    void anS3UrlWithoutEndpointIsAwsWithTheDefaultChainAndUsEast1() {
        BlobLocation.S3 s3 = (BlobLocation.S3) BlobLocation.parse("s3://my-blobs", Map.of());
        assertThat(s3.prefix()).isEmpty();
        assertThat(s3.endpoint()).isNull();
        assertThat(s3.region()).isEqualTo("us-east-1");
        assertThat(s3.accessKeyId()).isNull();
        assertThat(s3.sweepGrace()).isEqualTo(BlobLocation.DEFAULT_SWEEP_GRACE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "http://host/bucket                          | got the scheme 'http'",
                "s3://                                        | Expected authority",
                "s3://Bad_Bucket                              | 'Bad_Bucket' is not a bucket name",
                "s3://ok-bucket?endpoint=ftp://h              | must be an http:// or https:// URL",
                "s3://ok-bucket?endpoint=http://h&colour=red  | unknown parameter 'colour'",
                "s3://ok-bucket?region=EU WEST                | --blobs takes",
                "s3://ok-bucket?region=Eu-West-1              | invalid region 'Eu-West-1'",
                "s3://ok-bucket?region=                       | parameter 'region' has no value",
                "s3://ok-bucket?region=a&region=b             | parameter 'region' given twice",
                "s3://ok-bucket/a//b                          | has an empty segment",
            })
    void aBadValueSaysWhatIsWrong(String value, String message) {
        assertThatThrownBy(() -> BlobLocation.parse(value, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .hasMessageContaining("--blobs takes a directory or s3://BUCKET");
    }

    @Test
    void onlyOneOfTheTwoCredentialVariablesIsRefused() {
        assertThatThrownBy(() -> BlobLocation.parse("s3://ok-bucket", Map.of("RAMPART_BLOBS_ACCESS_KEY_ID", "AKIA")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "set both RAMPART_BLOBS_ACCESS_KEY_ID and RAMPART_BLOBS_SECRET_ACCESS_KEY, or neither");
    }
}
