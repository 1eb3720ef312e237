package io.rampart.guard;

import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The outcome of one read of a configuration: the value, "not configured" (the error code S3 answers when there is
 * none, e.g. NoSuchBucketPolicy), refused for lack of a permission (named), or failed otherwise. A check turns the last
 * two into UNKNOWN rather than guessing: never a crash, never a false PASS.
 */
sealed interface Read<T> {
    record Got<T>(T value) implements Read<T> {}

    record Absent<T>(String code) implements Read<T> {}

    /** {@code action} is the IAM action the call needs, e.g. s3:GetEncryptionConfiguration. */
    record Denied<T>(String action, String detail) implements Read<T> {}

    record Failed<T>(String action, String detail) implements Read<T> {}

    static <T> Read<T> of(String action, Set<String> absentCodes, Supplier<T> call) {
        try {
            return new Got<>(call.get());
        } catch (AwsServiceException e) {
            String code =
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (code != null && absentCodes.contains(code)) return new Absent<>(code);
            String detail = (code == null ? "HTTP " + e.statusCode() : code + " (HTTP " + e.statusCode() + ")");
            if (e.statusCode() == 403
                    || "AccessDenied".equals(code)
                    || "AccessDeniedException".equals(code)
                    || "UnauthorizedOperation".equals(code)) {
                return new Denied<>(action, detail);
            }
            if (e.statusCode() == 501 || "NotImplemented".equals(code)) {
                return new Failed<>(action, "the endpoint does not implement it: " + detail);
            }
            return new Failed<>(action, detail);
        } catch (software.amazon.awssdk.core.exception.SdkClientException | java.io.UncheckedIOException e) {
            return new Failed<>(
                    action, String.valueOf(e.getMessage()).lines().findFirst().orElse("client error"));
        }
    }

    static <T> Read<T> of(String action, Supplier<T> call) {
        return of(action, Set.of(), call);
    }

    /** Why the check cannot be decided, for a non-value read: names the missing permission. */
    default String why() {
        return switch (this) {
            case Denied<T> d -> "cannot read: permission " + d.action() + " missing (" + d.detail() + ")";
            case Failed<T> f -> "cannot read (" + f.action() + "): " + f.detail();
            case Got<T> g -> "read";
            case Absent<T> a -> "not configured (" + a.code() + ")";
        };
    }

    /** The remediation of an undecided check: grant the permission, or nothing to do here. */
    default String grant() {
        return this instanceof Denied<T> d ? "grant " + d.action() + " to the auditing principal and re-run" : "";
    }
}
