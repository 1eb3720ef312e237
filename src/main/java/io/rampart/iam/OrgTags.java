package io.rampart.iam;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.storage.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tags on the organisation's resources (accounts, OUs, policies, the root), in {@code org_tags} (migration V16), with
 * AWS's limits and errors: at most {@value #MAX_TAGS} tags on a resource, keys of 1 to 128 characters, values of 0 to
 * 256, no key twice in one request, and the {@code aws:} prefix reserved. One invalid tag fails the whole request.
 */
public final class OrgTags {
    /** Tags on one resource (AWS's quota for Organizations resources). */
    static final int MAX_TAGS = 50;

    private static final int MAX_KEY = 128;
    private static final int MAX_VALUE = 256;

    private final Database db;

    OrgTags(Database db) {
        this.db = db;
    }

    /** A request's {@code Tags} ([{Key, Value}...]), checked as AWS checks them; empty when absent. */
    static Map<String, String> parse(JsonNode tags) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tags == null || tags.isNull()) return out;
        if (!tags.isArray()) throw invalid("INVALID_LIST_MEMBER", "Tags must be a list of tags.");
        for (JsonNode t : tags) {
            JsonNode k = t.get("Key");
            JsonNode v = t.get("Value");
            if (k == null || k.isNull() || v == null || v.isNull() || !k.isTextual() || !v.isTextual()) {
                throw invalid(
                        "INPUT_REQUIRED", "For each tag in the list, you must specify both a tag key and a value.");
            }
            String key = checkKey(k.asText());
            if (length(v.asText()) > MAX_VALUE) {
                throw invalid("MAX_LENGTH_EXCEEDED", "A tag value can be at most " + MAX_VALUE + " characters long.");
            }
            if (out.put(key, v.asText()) != null) {
                throw invalid("DUPLICATE_TAG_KEY", "You specified the tag key " + key + " more than once.");
            }
        }
        if (out.size() > MAX_TAGS) throw tooMany();
        return out;
    }

    /** UntagResource's {@code TagKeys}, checked as keys. */
    static List<String> parseKeys(JsonNode keys) {
        if (keys == null || keys.isNull()) throw invalid("INPUT_REQUIRED", "You must specify TagKeys.");
        if (!keys.isArray()) throw invalid("INVALID_LIST_MEMBER", "TagKeys must be a list of tag keys.");
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode k : keys) {
            if (!k.isTextual()) throw invalid("INVALID_LIST_MEMBER", "TagKeys must be a list of tag keys.");
            out.add(checkKey(k.asText()));
        }
        return List.copyOf(out);
    }

    private static String checkKey(String key) {
        if (key.isEmpty()) throw invalid("MIN_LENGTH_EXCEEDED", "A tag key must be at least 1 character long.");
        if (length(key) > MAX_KEY) {
            throw invalid("MAX_LENGTH_EXCEEDED", "A tag key can be at most " + MAX_KEY + " characters long.");
        }
        if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
            throw invalid(
                    "INVALID_SYSTEM_TAGS_PARAMETER",
                    "You specified a tag key that is a system tag. You can't add, edit, or delete system tag keys "
                            + "because they're reserved for AWS use.");
        }
        return key;
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** A resource's tags, by key. */
    public Map<String, String> of(String resourceId) {
        return db.read(c -> read(c, resourceId));
    }

    /** The condition keys aws:ResourceTag/key of a resource's tags. */
    public Map<String, List<String>> conditionKeys(String resourceId) {
        Map<String, List<String>> k = new LinkedHashMap<>();
        of(resourceId).forEach((key, v) -> k.put("aws:ResourceTag/" + key, List.of(v)));
        return k;
    }

    /** aws:ResourceTag/... of the resource a request names in {@code field} (none when it names nothing tagged). */
    Map<String, List<String>> conditionKeys(JsonNode in, String field) {
        JsonNode id = in.get(field);
        return id == null || !id.isTextual() ? Map.of() : conditionKeys(id.asText());
    }

    /** The condition keys aws:RequestTag/key and aws:TagKeys of the tags a request brings (none: no keys). */
    static Map<String, List<String>> requestKeys(Map<String, String> tags) {
        Map<String, List<String>> k = new LinkedHashMap<>();
        if (tags.isEmpty()) return k;
        tags.forEach((key, v) -> k.put("aws:RequestTag/" + key, List.of(v)));
        k.put("aws:TagKeys", List.copyOf(tags.keySet()));
        return k;
    }

    /** TagResource: adds or overwrites; ConstraintViolationException when the resource would pass the limit. */
    void tag(String resourceId, Map<String, String> tags) {
        db.write(c -> {
            Map<String, String> now = read(c, resourceId);
            now.putAll(tags);
            if (now.size() > MAX_TAGS) throw tooMany();
            for (Map.Entry<String, String> t : tags.entrySet()) {
                Sql.update(c, "DELETE FROM org_tags WHERE resource_id = ? AND tag_key = ?", resourceId, t.getKey());
            }
            insert(c, resourceId, tags);
            return null;
        });
    }

    /** UntagResource: keys the resource does not have are no error, as on AWS. */
    void untag(String resourceId, List<String> keys) {
        db.write(c -> {
            for (String k : keys)
                Sql.update(c, "DELETE FROM org_tags WHERE resource_id = ? AND tag_key = ?", resourceId, k);
            return null;
        });
    }

    /** The tags a resource is created with, in the transaction that creates it. */
    static void insert(Connection c, String resourceId, Map<String, String> tags) throws SQLException {
        for (Map.Entry<String, String> t : tags.entrySet()) {
            Sql.update(
                    c,
                    "INSERT INTO org_tags(resource_id, tag_key, tag_value) VALUES(?,?,?)",
                    resourceId,
                    t.getKey(),
                    t.getValue());
        }
    }

    /** A deleted resource's tags go with it. */
    static void deleteAll(Connection c, String resourceId) throws SQLException {
        Sql.update(c, "DELETE FROM org_tags WHERE resource_id = ?", resourceId);
    }

    private static Map<String, String> read(Connection c, String resourceId) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        List<String[]> rows = new ArrayList<>(Sql.list(
                c,
                "SELECT tag_key, tag_value FROM org_tags WHERE resource_id = ? ORDER BY tag_key",
                rs -> new String[] {rs.getString(1), rs.getString(2)},
                resourceId));
        for (String[] r : rows) out.put(r[0], r[1]);
        return out;
    }

    private static IamException tooMany() {
        return new IamException(
                IamErrorCode.CONSTRAINT_VIOLATION,
                "You have exceeded the number of tags allowed on this resource (" + MAX_TAGS + ").",
                Optional.of("MAX_TAG_LIMIT_EXCEEDED"));
    }

    private static IamException invalid(String reason, String message) {
        return new IamException(IamErrorCode.ORG_INVALID_INPUT, message, Optional.of(reason));
    }
}
