package io.rampart.s3;

import java.util.List;
import java.util.Map;

/**
 * A bucket's lifecycle rules as stored in its configuration document (JSON), in the form the client gave them so that
 * GetBucketLifecycleConfiguration answers what was put. Transitions are refused at PUT (one storage class here).
 */
record LifecycleConfiguration(List<Rule> rules) {
    static final int MAX_RULES = 1000;

    LifecycleConfiguration {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    record Tag(String key, String value) {}

    /**
     * Which objects a rule applies to. {@code legacyPrefix}: the rule's own top-level Prefix (no Filter element).
     * {@code and}: the conditions came inside an And element. Otherwise at most one condition is set (none: every object).
     */
    record Filter(
            boolean legacyPrefix, boolean and, String prefix, List<Tag> tags, Long sizeGreaterThan, Long sizeLessThan) {
        Filter {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }

        boolean hasTags() {
            return !tags.isEmpty();
        }

        boolean matchesKey(String key) {
            return prefix == null || key.startsWith(prefix);
        }

        /** Whether an object version (not a delete marker) with this key, size and tags is subject to the rule. */
        boolean matches(String key, long size, Map<String, String> objectTags) {
            if (!matchesKey(key)) return false;
            if (sizeGreaterThan != null && size <= sizeGreaterThan) return false;
            if (sizeLessThan != null && size >= sizeLessThan) return false;
            for (Tag t : tags) {
                if (!t.value().equals(objectTags.get(t.key()))) return false;
            }
            return true;
        }

        /** Delete markers and uploads have no tags or size: only the prefix can select them, and a tag filter never does. */
        boolean matchesWithoutObject(String key) {
            return matchesKey(key) && tags.isEmpty();
        }
    }

    /** Expiration of current versions: after {@code days} or on {@code date} (epoch millis, midnight UTC); or the marker cleanup. */
    record Expiration(Integer days, Long date, Boolean expiredObjectDeleteMarker) {
        boolean expiresCurrent() {
            return days != null || date != null;
        }

        boolean removesExpiredDeleteMarkers() {
            return Boolean.TRUE.equals(expiredObjectDeleteMarker);
        }
    }

    /** Noncurrent versions expire {@code noncurrentDays} after becoming noncurrent, except the newest {@code newerNoncurrentVersions}. */
    record NoncurrentExpiration(int noncurrentDays, Integer newerNoncurrentVersions) {
        int keep() {
            return newerNoncurrentVersions == null ? 0 : newerNoncurrentVersions;
        }
    }

    record Rule(
            String id,
            boolean enabled,
            Filter filter,
            Expiration expiration,
            NoncurrentExpiration noncurrent,
            Integer abortDaysAfterInitiation) {}

    boolean hasEnabledRules() {
        return rules.stream().anyMatch(Rule::enabled);
    }
}
