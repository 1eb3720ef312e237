package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Assertions on the S3 error a call fails with: status, code and message, so a failure explains itself. */
final class S3Errors {
    private S3Errors() {}

    static S3Exception assertS3Error(ThrowingCallable call, int status, String code, String message) {
        S3Exception e = assertS3Error(call, status, code);
        assertThat(e.awsErrorDetails().errorMessage()).as("message of %s", code).isEqualTo(message);
        return e;
    }

    static S3Exception assertS3Error(ThrowingCallable call, int status, String code) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("expected S3 error %s %s", status, code).isInstanceOf(S3Exception.class);
        S3Exception e = (S3Exception) t;
        assertThat(e.statusCode())
                .as(
                        "HTTP status for %s (got %s: %s)",
                        code,
                        e.awsErrorDetails().errorCode(),
                        e.awsErrorDetails().errorMessage())
                .isEqualTo(status);
        if (code != null)
            assertThat(e.awsErrorDetails().errorCode()).as("error code").isEqualTo(code);
        return e;
    }
}
