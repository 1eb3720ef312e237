package io.rampart.auth;

import java.util.Optional;

/** Lookup of a signing secret by access key id; implemented by IAM. */
@FunctionalInterface
public interface CredentialStore {
    Optional<Credential> find(String accessKeyId);
}
