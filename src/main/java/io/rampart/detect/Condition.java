package io.rampart.detect;

import io.rampart.audit.RequestFacts;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Named tests on a trail record's fields, the vocabulary a rule's match is written in (a YAML rule pack will name
 * them). Each reads only what CloudTrail records: requestParameters, errorCode, bucket and key.
 */
public enum Condition {
    /** The request succeeded: no errorCode. */
    SUCCEEDED(f -> f.errorCode() == null),
    /** The request asked for SSE-C: x-amz-server-side-encryption-customer-algorithm is present. */
    SSE_C(f -> present(f.requestParameters().get("x-amz-server-side-encryption-customer-algorithm"))),
    /** A copy whose x-amz-copy-source names the destination bucket and key (in-place rewrite). */
    COPY_SOURCE_IS_DESTINATION(Condition::copiesOntoItself);

    private final Predicate<RequestFacts> test;

    Condition(Predicate<RequestFacts> test) {
        this.test = test;
    }

    public boolean test(RequestFacts f) {
        return test.test(f);
    }

    private static boolean present(String v) {
        return v != null && !v.isBlank();
    }

    private static boolean copiesOntoItself(RequestFacts f) {
        String source = f.requestParameters().get("x-amz-copy-source");
        if (source == null || f.bucket() == null || f.key() == null) return false;
        int q = source.indexOf('?');
        // The versionId of the source does not matter: copying any version over the current key rewrites it in place.
        String path = q < 0 ? source : source.substring(0, q);
        String decoded;
        try {
            decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = path;
        }
        if (decoded.startsWith("/")) decoded = decoded.substring(1);
        return decoded.equals(f.bucket() + "/" + f.key());
    }
}
