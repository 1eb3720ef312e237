package io.rampart.auth;

import java.util.Objects;

/** A request failed authentication before its body was read; carries the S3 error to answer with. */
public final class AuthException extends Exception {
    private final AuthError error;

    public AuthException(AuthError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error);
    }

    public AuthError error() {
        return error;
    }
}
