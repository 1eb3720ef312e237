package io.rampart.auth;

import io.rampart.iam.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * The signature of a browser-based upload (POST Object): the form's {@code policy} field (base64 JSON) signed with
 * SigV4 ({@code x-amz-algorithm}, {@code x-amz-credential}, {@code x-amz-date}, {@code x-amz-signature}: the hex
 * HMAC-SHA256 of the policy under the scope's signing key) or with the legacy SigV2 form ({@code AWSAccessKeyId},
 * {@code signature}: base64 HMAC-SHA1 of the policy). A form with neither policy nor signature is anonymous. Checking
 * the policy's conditions and expiry is S3's business, not this class's.
 */
public final class PostPolicySignature {
    private static final String MISMATCH =
            "The request signature we calculated does not match the signature you provided. "
                    + "Check your key and signing method.";

    private final CredentialStore store;
    private final String region;
    private final Clock clock;

    PostPolicySignature(CredentialStore store, String region, Clock clock) {
        this.store = store;
        this.region = region;
        this.clock = clock;
    }

    /** Who signed: the principal and access key id ("" when anonymous). */
    public record Signer(Principal principal, String accessKeyId) {}

    /** Verifies the form; {@code field} answers a field's value by lower-case name (empty when absent). */
    public Signer verify(Function<String, Optional<String>> field) throws AuthException {
        Optional<String> policy = field.apply("policy");
        Optional<String> v4Signature = field.apply("x-amz-signature");
        Optional<String> v2Signature = field.apply("signature");
        Optional<String> v2Key = field.apply("awsaccesskeyid");
        Optional<String> credential = field.apply("x-amz-credential");
        if (policy.isEmpty()) {
            if (v4Signature.isPresent() || v2Signature.isPresent() || v2Key.isPresent() || credential.isPresent()) {
                throw missing("policy");
            }
            return new Signer(Principal.anonymous(), "");
        }
        if (v2Key.isPresent() && credential.isEmpty()) {
            String signature = v2Signature.orElseThrow(() -> missing("Signature"));
            Credential c = credential(v2Key.get().trim(), field);
            String expected = SigV2Signature.sign(c.secretKey(), policy.get());
            if (!constantTimeEquals(expected, signature.trim())) {
                throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH, MISMATCH);
            }
            return new Signer(c.principal(), c.accessKeyId());
        }
        String algorithm = field.apply("x-amz-algorithm").orElseThrow(() -> missing("x-amz-algorithm"));
        if (!"AWS4-HMAC-SHA256".equals(algorithm.trim())) {
            throw new AuthException(AuthError.INVALID_ARGUMENT, "Unsupported algorithm: " + algorithm.trim());
        }
        String cred = credential.orElseThrow(() -> missing("x-amz-credential"));
        if (field.apply("x-amz-date").isEmpty()) throw missing("x-amz-date");
        String signature = v4Signature.orElseThrow(() -> missing("x-amz-signature"));
        CredentialScope scope = CredentialScope.parse(cred.trim());
        if (scope == null || !"s3".equals(scope.service())) {
            throw new AuthException(AuthError.INVALID_ARGUMENT, "Invalid credential: " + cred.trim());
        }
        if (!scope.region().equals(region)) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT,
                    "Error parsing the X-Amz-Credential parameter; the region '" + scope.region()
                            + "' is wrong; expecting '" + region + "'");
        }
        Credential c = credential(scope.accessKeyId(), field);
        byte[] key = SigningKeyCache.derive(c.secretKey(), scope.date(), scope.region(), scope.service());
        String expected = CanonicalRequest.HEX.formatHex(SigningKeyCache.hmac(key, policy.get()));
        if (!constantTimeEquals(expected, signature.trim().toLowerCase(java.util.Locale.ROOT))) {
            throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH, MISMATCH);
        }
        return new Signer(c.principal(), c.accessKeyId());
    }

    /** The key's credential, with its session token (x-amz-security-token field) and expiry checked. */
    private Credential credential(String accessKeyId, Function<String, Optional<String>> field) throws AuthException {
        Credential c = store.find(accessKeyId)
                .orElseThrow(() -> new AuthException(
                        AuthError.INVALID_ACCESS_KEY_ID,
                        "The AWS Access Key Id you provided does not exist in our records."));
        Optional<String> token = field.apply("x-amz-security-token");
        boolean valid = c.sessionToken() == null
                ? token.isEmpty()
                : token.isPresent()
                        && constantTimeEquals(c.sessionToken(), token.get().strip());
        if (!valid)
            throw new AuthException(AuthError.INVALID_TOKEN, "The provided token is malformed or otherwise invalid.");
        if (c.expiration() != null && !clock.instant().isBefore(c.expiration())) {
            throw new AuthException(AuthError.EXPIRED_TOKEN, "The provided token has expired.");
        }
        return c;
    }

    private static AuthException missing(String name) {
        return new AuthException(
                AuthError.INVALID_ARGUMENT,
                "Bucket POST must contain a field named '" + name
                        + "'.  If it is specified, please check the order of the fields.");
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
