package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

class SmokeTest {
    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
    }

    @Test
    void putThenGetReturnsTheSameBytes() {
        s3.createBucket(b -> b.bucket("smoke"));
        s3.putObject(b -> b.bucket("smoke").key("hello.txt"), RequestBody.fromString("hello world"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("smoke").key("hello.txt")).asUtf8String())
                .isEqualTo("hello world");
    }

    @Test
    void missingKeyIsNoSuchKey() {
        s3.createBucket(b -> b.bucket("smoke2"));
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("smoke2").key("nope")))
                .isInstanceOf(NoSuchKeyException.class)
                .satisfies(e -> assertThat(
                                ((NoSuchKeyException) e).awsErrorDetails().errorCode())
                        .isEqualTo("NoSuchKey"));
    }
}
