package io.rampart.s3;

import io.rampart.storage.ObjectVersion;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A bucket's replication configuration as stored in its configuration document (JSON), in the form the client gave it
 * so GetBucketReplication answers what was put; parsed and validated from AWS's XML, and the rules' matching of a version.
 * Rules with a {@code Filter} are AWS's "V2" schema (Priority, DeleteMarkerReplication); a rule-level {@code Prefix} is
 * the older "V1" schema, whose rules always replicate delete markers.
 */
record ReplicationConfiguration(String role, List<Rule> rules) {
    static final int MAX_RULES = 1000;
    private static final String ARN_PREFIX = "arn:aws:s3:::";
    private static final Set<String> RULE_ELEMENTS = Set.of(
            "ID",
            "Priority",
            "Prefix",
            "Filter",
            "Status",
            "SourceSelectionCriteria",
            "ExistingObjectReplication",
            "Destination",
            "DeleteMarkerReplication");
    private static final Set<String> STORAGE_CLASSES = Set.of(
            "STANDARD",
            "REDUCED_REDUNDANCY",
            "STANDARD_IA",
            "ONEZONE_IA",
            "INTELLIGENT_TIERING",
            "GLACIER",
            "DEEP_ARCHIVE",
            "OUTPOSTS",
            "GLACIER_IR",
            "SNOW",
            "EXPRESS_ONEZONE");

    ReplicationConfiguration {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    record Tag(String key, String value) {}

    /** {@code v2}: the rule has a Filter element (else its own Prefix, V1). {@code and}: the conditions came in And. */
    record Filter(boolean v2, boolean and, String prefix, List<Tag> tags) {
        Filter {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }

        boolean matches(String key, Map<String, String> objectTags) {
            if (prefix != null && !key.startsWith(prefix)) return false;
            for (Tag t : tags) {
                if (!t.value().equals(objectTags.get(t.key()))) return false;
            }
            return true;
        }
    }

    /** Where a rule replicates to: {@code bucket} is the name from the ARN. */
    record Destination(String bucket, String account, String storageClass, String ownerOverride) {
        String arn() {
            return ARN_PREFIX + bucket;
        }
    }

    /**
     * One rule. Statuses are "Enabled"/"Disabled" as given, null when the element was absent.
     */
    record Rule(
            String id,
            Integer priority,
            boolean enabled,
            Filter filter,
            String deleteMarkerReplication,
            String existingObjectReplication,
            String sseKmsEncryptedObjects,
            String replicaModifications,
            Destination destination) {

        boolean replicatesDeleteMarkers() {
            return !filter.v2() || "Enabled".equals(deleteMarkerReplication);
        }

        /** Whether this rule replicates the version: object versions by prefix and tags, delete markers by prefix only. */
        boolean appliesTo(ObjectVersion v) {
            if (!enabled) return false;
            if (v.deleteMarker())
                return replicatesDeleteMarkers() && filter.tags().isEmpty() && filter.matches(v.key(), Map.of());
            return filter.matches(v.key(), v.meta().tags());
        }
    }

    /**
     * The rules that replicate {@code v}, one per destination bucket: where several rules name the same destination,
     * the one with the highest Priority wins (the first one in V1 configurations), as on AWS.
     */
    List<Rule> rulesFor(ObjectVersion v) {
        Map<String, Rule> byDestination = new LinkedHashMap<>();
        for (Rule r : rules) {
            if (!r.appliesTo(v)) continue;
            Rule seen = byDestination.get(r.destination().bucket());
            if (seen == null || (r.priority() != null && (seen.priority() == null || r.priority() > seen.priority()))) {
                byDestination.put(r.destination().bucket(), r);
            }
        }
        return List.copyOf(byDestination.values());
    }

    /** Destination bucket names of every rule (enabled or not). */
    Set<String> destinationBuckets() {
        Set<String> out = new HashSet<>();
        for (Rule r : rules) out.add(r.destination().bucket());
        return out;
    }

    // ---- XML ----

    static ReplicationConfiguration parse(byte[] body) {
        XmlElement root = RequestXml.parse(body, "ReplicationConfiguration");
        for (XmlElement c : root.children()) {
            if (!c.name().equals("Role") && !c.name().equals("Rule")) throw malformed();
        }
        if (root.all("Role").size() != 1) throw malformed();
        String role = root.childText("Role").map(String::trim).orElse("");
        List<XmlElement> ruleElements = root.all("Rule");
        if (ruleElements.isEmpty()) throw malformed();
        if (ruleElements.size() > MAX_RULES) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Number of rules in the replication configuration exceeds the allowed limit of 1000");
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (XmlElement r : ruleElements) {
            Rule rule = rule(r);
            if (!ids.add(rule.id())) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Rule Id must be unique")
                        .with("ArgumentName", "ID")
                        .with("ArgumentValue", rule.id());
            }
            rules.add(rule);
        }
        boolean anyV2 = rules.stream().anyMatch(r -> r.filter().v2());
        boolean anyV1 = rules.stream().anyMatch(r -> !r.filter().v2());
        if (anyV1 && anyV2) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Rules with a Filter and rules with a Prefix cannot be mixed in one replication configuration");
        }
        if (anyV2) {
            Set<Integer> priorities = new HashSet<>();
            for (Rule r : rules) {
                if (r.deleteMarkerReplication() == null) {
                    throw new S3Exception(
                            S3ErrorCode.INVALID_REQUEST,
                            "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.");
                }
                if (rules.size() > 1 && r.priority() == null) {
                    throw new S3Exception(
                            S3ErrorCode.INVALID_REQUEST,
                            "Priority must be specified for this version of Cross Region Replication configuration schema.");
                }
                if (r.priority() != null && !priorities.add(r.priority())) {
                    throw new S3Exception(
                            S3ErrorCode.INVALID_REQUEST, "Found duplicate priority " + r.priority() + " in rules");
                }
            }
        } else {
            for (Rule r : rules) {
                if (r.deleteMarkerReplication() != null || r.priority() != null) {
                    throw new S3Exception(
                            S3ErrorCode.INVALID_REQUEST,
                            "Priority and DeleteMarkerReplication require a Filter (the rule-level Prefix is the older schema)");
                }
            }
        }
        return new ReplicationConfiguration(role, rules);
    }

    private static Rule rule(XmlElement r) {
        for (XmlElement c : r.children()) {
            if (!RULE_ELEMENTS.contains(c.name())) throw malformed();
            if (r.all(c.name()).size() > 1) throw malformed();
        }
        String id = r.childText("ID").orElse(null);
        if (id == null || id.isEmpty()) id = Versions.newId().substring(0, 24).toUpperCase(java.util.Locale.ROOT);
        if (id.length() > 255) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "ID length should not exceed allowed limit of 255")
                    .with("ArgumentName", "ID")
                    .with("ArgumentValue", id);
        }
        Integer priority = null;
        if (r.child("Priority").isPresent()) {
            try {
                priority = Integer.parseInt(r.childText("Priority").orElse("").trim());
            } catch (NumberFormatException e) {
                throw malformed();
            }
        }
        String status = status(r.child("Status")).orElseThrow(ReplicationConfiguration::malformed);
        Optional<XmlElement> filterElement = r.child("Filter");
        Optional<String> legacyPrefix = r.childText("Prefix");
        if (filterElement.isPresent() && legacyPrefix.isPresent()) throw malformed();
        Filter filter = filterElement
                .map(ReplicationConfiguration::filter)
                .orElseGet(() -> new Filter(false, false, legacyPrefix.orElse(""), List.of()));
        String deleteMarkers = r.child("DeleteMarkerReplication")
                .map(d -> status(d.child("Status")).orElseThrow(ReplicationConfiguration::malformed))
                .orElse(null);
        if ("Enabled".equals(deleteMarkers) && !filter.tags().isEmpty()) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Delete marker replication is not supported if any Tag filter is specified.");
        }
        String existing = r.child("ExistingObjectReplication")
                .map(d -> status(d.child("Status")).orElseThrow(ReplicationConfiguration::malformed))
                .orElse(null);
        String sseKms = null;
        String replicaModifications = null;
        Optional<XmlElement> criteria = r.child("SourceSelectionCriteria");
        if (criteria.isPresent()) {
            for (XmlElement c : criteria.get().children()) {
                switch (c.name()) {
                    case "SseKmsEncryptedObjects" ->
                        sseKms = status(c.child("Status")).orElseThrow(ReplicationConfiguration::malformed);
                    case "ReplicaModifications" ->
                        replicaModifications =
                                status(c.child("Status")).orElseThrow(ReplicationConfiguration::malformed);
                    default -> throw malformed();
                }
            }
        }
        Destination destination = destination(r.child("Destination").orElseThrow(ReplicationConfiguration::malformed));
        return new Rule(
                id,
                priority,
                status.equals("Enabled"),
                filter,
                deleteMarkers,
                existing,
                sseKms,
                replicaModifications,
                destination);
    }

    private static Optional<String> status(Optional<XmlElement> e) {
        if (e.isEmpty()) return Optional.empty();
        String s = e.get().text() == null ? "" : e.get().text().trim();
        if (!s.equals("Enabled") && !s.equals("Disabled")) throw malformed();
        return Optional.of(s);
    }

    private static Filter filter(XmlElement f) {
        if (f.children().size() > 1) throw malformed();
        if (f.children().isEmpty()) return new Filter(true, false, null, List.of());
        XmlElement c = f.children().get(0);
        return switch (c.name()) {
            case "Prefix" -> new Filter(true, false, text(c), List.of());
            case "Tag" -> new Filter(true, false, null, List.of(tag(c)));
            case "And" -> {
                String prefix = null;
                List<Tag> tags = new ArrayList<>();
                Set<String> keys = new HashSet<>();
                for (XmlElement a : c.children()) {
                    switch (a.name()) {
                        case "Prefix" -> {
                            if (prefix != null) throw malformed();
                            prefix = text(a);
                        }
                        case "Tag" -> {
                            Tag t = tag(a);
                            if (!keys.add(t.key())) {
                                throw new S3Exception(
                                        S3ErrorCode.INVALID_REQUEST, "Duplicate Tag Keys are not allowed.");
                            }
                            tags.add(t);
                        }
                        default -> throw malformed();
                    }
                }
                yield new Filter(true, true, prefix, tags);
            }
            default -> throw malformed();
        };
    }

    private static Tag tag(XmlElement t) {
        String key = t.childText("Key").orElseThrow(ReplicationConfiguration::malformed);
        String value = t.childText("Value").orElseThrow(ReplicationConfiguration::malformed);
        Tagging.validate(Map.of(key, value));
        return new Tag(key, value);
    }

    private static Destination destination(XmlElement d) {
        String account = null;
        String storageClass = null;
        String owner = null;
        for (XmlElement c : d.children()) {
            switch (c.name()) {
                case "Bucket" -> {}
                case "Account" -> account = text(c).trim();
                case "StorageClass" -> {
                    storageClass = text(c).trim();
                    if (!STORAGE_CLASSES.contains(storageClass)) throw malformed();
                }
                case "AccessControlTranslation" ->
                    owner = c.childText("Owner").map(String::trim).orElseThrow(ReplicationConfiguration::malformed);
                case "EncryptionConfiguration", "ReplicationTime", "Metrics" ->
                    throw new S3Exception(
                            S3ErrorCode.NOT_IMPLEMENTED,
                            c.name() + " is not supported in replication rules by this server");
                default -> throw malformed();
            }
            if (d.all(c.name()).size() > 1) throw malformed();
        }
        String arn = d.childText("Bucket").map(String::trim).orElseThrow(ReplicationConfiguration::malformed);
        if (!arn.startsWith(ARN_PREFIX) || arn.length() == ARN_PREFIX.length() || arn.indexOf('/') >= 0) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid bucket ARN.")
                    .with("ArgumentName", "Bucket")
                    .with("ArgumentValue", arn);
        }
        if (owner != null && account == null) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Account is required when AccessControlTranslation is specified in a replication rule");
        }
        return new Destination(arn.substring(ARN_PREFIX.length()), account, storageClass, owner);
    }

    private static String text(XmlElement e) {
        return e.text() == null ? "" : e.text();
    }

    private static S3Exception malformed() {
        return new S3Exception(S3ErrorCode.MALFORMED_XML);
    }

    XmlWriter toXml() {
        XmlWriter x = new XmlWriter().start("ReplicationConfiguration", XmlWriter.S3_NAMESPACE);
        x.element("Role", role);
        for (Rule r : rules) {
            x.start("Rule").element("ID", r.id());
            if (r.priority() != null) x.element("Priority", r.priority());
            Filter f = r.filter();
            if (!f.v2()) {
                x.element("Prefix", f.prefix());
            } else {
                x.start("Filter");
                if (f.and()) {
                    x.start("And");
                    x.element("Prefix", f.prefix());
                    for (Tag t : f.tags())
                        x.start("Tag")
                                .element("Key", t.key())
                                .element("Value", t.value())
                                .end();
                    x.end();
                } else if (!f.tags().isEmpty()) {
                    Tag t = f.tags().get(0);
                    x.start("Tag")
                            .element("Key", t.key())
                            .element("Value", t.value())
                            .end();
                } else {
                    x.element("Prefix", f.prefix());
                }
                x.end();
            }
            x.element("Status", r.enabled() ? "Enabled" : "Disabled");
            if (r.sseKmsEncryptedObjects() != null || r.replicaModifications() != null) {
                x.start("SourceSelectionCriteria");
                if (r.sseKmsEncryptedObjects() != null) {
                    x.start("SseKmsEncryptedObjects")
                            .element("Status", r.sseKmsEncryptedObjects())
                            .end();
                }
                if (r.replicaModifications() != null) {
                    x.start("ReplicaModifications")
                            .element("Status", r.replicaModifications())
                            .end();
                }
                x.end();
            }
            if (r.existingObjectReplication() != null) {
                x.start("ExistingObjectReplication")
                        .element("Status", r.existingObjectReplication())
                        .end();
            }
            Destination d = r.destination();
            x.start("Destination").element("Bucket", d.arn()).element("Account", d.account());
            x.element("StorageClass", d.storageClass());
            if (d.ownerOverride() != null)
                x.start("AccessControlTranslation")
                        .element("Owner", d.ownerOverride())
                        .end();
            x.end();
            if (r.deleteMarkerReplication() != null) {
                x.start("DeleteMarkerReplication")
                        .element("Status", r.deleteMarkerReplication())
                        .end();
            }
            x.end();
        }
        return x;
    }
}
