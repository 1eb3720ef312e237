package io.rampart.policy;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A parsed, validated and compiled policy document. Immutable and thread-safe; parse once, evaluate
 * many times.
 *
 * @param kind       the kind it was validated as
 * @param name       a caller-given name (e.g. managed policy name), reported in decisions
 * @param version    "2012-10-17" or "2008-10-17" (the default when Version is absent)
 * @param id         the document's Id element
 * @param statements compiled statements in document order
 * @param size       characters excluding whitespace outside strings, as IAM counts policy size
 * @param json       the original text
 */
public record PolicyDocument(
        PolicyKind kind,
        Optional<String> name,
        String version,
        Optional<String> id,
        List<Statement> statements,
        int size,
        String json) {

    public static final String VERSION_2012 = "2012-10-17";
    public static final String VERSION_2008 = "2008-10-17";

    /** AWS size quotas; callers apply the per-entity ones to {@link #size()}. */
    public static final int MAX_BUCKET_POLICY_BYTES = 20 * 1024;

    public static final int MAX_USER_INLINE = 2_048;
    public static final int MAX_GROUP_INLINE = 5_120;
    public static final int MAX_ROLE_INLINE = 10_240;
    public static final int MAX_MANAGED = 6_144;
    public static final int MAX_ORGANIZATIONS_POLICY = 5_120;
    public static final int MAX_TRUST_POLICY = 2_048;

    public PolicyDocument {
        statements = List.copyOf(statements);
    }

    /** {@code json} null (a request without the document) is malformed, as AWS answers it. */
    public static PolicyDocument parse(@Nullable String json, PolicyKind kind) {
        return PolicyParser.parse(json, kind, Optional.empty());
    }

    /** {@code name} null: the document is reported by its Id element. */
    public static PolicyDocument parse(@Nullable String json, PolicyKind kind, @Nullable String name) {
        return PolicyParser.parse(json, kind, Optional.ofNullable(name));
    }

    /** The name reported in decisions: the given name, else the Id element. */
    Optional<String> label() {
        return name.isPresent() ? name : id;
    }
}
