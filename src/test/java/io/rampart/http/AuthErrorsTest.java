package io.rampart.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.auth.AuthError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The one mapping from authentication failures to the errors S3, the admin API, IAM, STS and Organizations answer. */
class AuthErrorsTest {
    @ParameterizedTest
    @EnumSource(AuthError.class)
    void everyAuthErrorIsTheS3ErrorOfTheSameCodeAndStatus(AuthError e) {
        assertThat(AuthErrors.s3(e).code()).isEqualTo(e.code());
        assertThat(AuthErrors.s3(e).status()).isEqualTo(e.status());
    }

    @Test
    void unknownKeyOrTokenIsInvalidClientTokenIdForIamAndSts() {
        for (String service : new String[] {"iam", "sts"}) {
            AuthErrors.ServiceError err = AuthErrors.service(service, AuthError.INVALID_ACCESS_KEY_ID, "no such key");
            assertThat(err)
                    .isEqualTo(new AuthErrors.ServiceError(
                            "InvalidClientTokenId", 403, "The security token included in the request is invalid."));
        }
        assertThat(AuthErrors.service("sts", AuthError.INVALID_TOKEN, "bad").code())
                .isEqualTo("InvalidClientTokenId");
    }

    @Test
    void organizationsCodesEndInException() {
        assertThat(AuthErrors.service("organizations", AuthError.ACCESS_DENIED, "m"))
                .isEqualTo(new AuthErrors.ServiceError("AccessDeniedException", 403, "m"));
        assertThat(AuthErrors.service("organizations", AuthError.SIGNATURE_DOES_NOT_MATCH, "m")
                        .code())
                .isEqualTo("SignatureDoesNotMatchException");
        assertThat(AuthErrors.service("iam", AuthError.SIGNATURE_DOES_NOT_MATCH, "m"))
                .isEqualTo(new AuthErrors.ServiceError("SignatureDoesNotMatch", 403, "m"));
    }
}
