package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/** KMS clients for a test server, and assertions on the KMS error a call fails with. */
final class KmsKeys {
    private KmsKeys() {}

    static KmsClient kms(RampartServer server) {
        return kms(server, AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY));
    }

    static KmsClient kms(RampartServer server, AwsCredentials credentials) {
        return KmsClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
    }

    static <T extends KmsException> T assertKmsError(ThrowingCallable call, Class<T> type, int status) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("expected %s", type.getSimpleName()).isInstanceOf(type);
        KmsException e = (KmsException) t;
        assertThat(e.statusCode()).as("HTTP status of %s", type.getSimpleName()).isEqualTo(status);
        return type.cast(e);
    }

    /** For errors the SDK has no class of its own for (AccessDeniedException, ValidationException): the code. */
    static KmsException assertKmsCode(ThrowingCallable call, String code, int status) {
        KmsException e = assertKmsError(call, KmsException.class, status);
        assertThat(e.awsErrorDetails().errorCode()).as("error code").isEqualTo(code);
        return e;
    }
}
