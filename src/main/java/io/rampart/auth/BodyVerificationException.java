package io.rampart.auth;

import java.io.IOException;
import java.util.Objects;

/**
 * The body failed a check (chunk signature, payload hash, Content-MD5, checksum, length) while being read.
 * An IOException so that it travels through any code that copies streams; callers that must answer with an
 * S3 error look for it in the cause chain.
 */
public final class BodyVerificationException extends IOException {
    private final AuthError error;

    public BodyVerificationException(AuthError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error);
    }

    public AuthError error() {
        return error;
    }
}
