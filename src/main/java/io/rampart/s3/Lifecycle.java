package io.rampart.s3;

import io.rampart.s3.LifecycleConfiguration.Expiration;
import io.rampart.s3.LifecycleConfiguration.Filter;
import io.rampart.s3.LifecycleConfiguration.NoncurrentExpiration;
import io.rampart.s3.LifecycleConfiguration.Rule;
import io.rampart.s3.LifecycleConfiguration.Tag;
import io.rampart.storage.Bucket;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * PutBucketLifecycleConfiguration, GetBucketLifecycleConfiguration, DeleteBucketLifecycle: the rules, validated as S3
 * validates them, kept in the bucket's configuration document. {@link LifecycleWorker} applies them.
 */
final class Lifecycle {
    private static final long DAY_MILLIS = 86_400_000L;
    private static final Set<String> RULE_ELEMENTS = Set.of(
            "ID",
            "Status",
            "Filter",
            "Prefix",
            "Expiration",
            "NoncurrentVersionExpiration",
            "AbortIncompleteMultipartUpload",
            "Transition",
            "NoncurrentVersionTransition");

    private final Context ctx;

    Lifecycle(Context ctx) {
        this.ctx = ctx;
    }

    S3Response get(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        LifecycleConfiguration config = BucketSettings.of(b).lifecycle();
        if (config == null || config.rules().isEmpty()) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_LIFECYCLE_CONFIGURATION).with("BucketName", b.name());
        }
        return S3Response.xml(toXml(config));
    }

    S3Response put(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        if (call.header("content-md5").isEmpty()
                && call.verifiedChecksums().isEmpty()
                && call.headers().keySet().stream()
                        .noneMatch(h -> h.startsWith("x-amz-checksum-")
                                || h.equals("x-amz-trailer")
                                || h.equals("x-amz-sdk-checksum-algorithm"))) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Missing required header for this request: Content-MD5 OR x-amz-checksum-*");
        }
        LifecycleConfiguration config = parse(call.body().readAllBytes());
        BucketSettings.update(ctx, b, s -> s.withLifecycle(config));
        return S3Response.ok();
    }

    S3Response delete(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketSettings.update(ctx, b, s -> s.withLifecycle(null));
        return S3Response.noContent();
    }

    // ---- parsing and validation ----

    static LifecycleConfiguration parse(byte[] body) {
        XmlElement root = RequestXml.parse(body, "LifecycleConfiguration");
        List<XmlElement> ruleElements = root.all("Rule");
        if (ruleElements.isEmpty()
                || ruleElements.size() > LifecycleConfiguration.MAX_RULES
                || ruleElements.size() != root.children().size()) {
            throw malformed();
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (XmlElement r : ruleElements) {
            Rule rule = rule(r);
            if (!ids.add(rule.id())) {
                throw new S3Exception(
                                S3ErrorCode.INVALID_ARGUMENT,
                                "Rule ID must be unique. Found same ID for more than one rule")
                        .with("ArgumentName", "ID")
                        .with("ArgumentValue", rule.id());
            }
            rules.add(rule);
        }
        return new LifecycleConfiguration(rules);
    }

    private static Rule rule(XmlElement r) {
        for (XmlElement c : r.children()) {
            if (!RULE_ELEMENTS.contains(c.name())) throw malformed();
        }
        for (String single : List.of(
                "ID",
                "Status",
                "Filter",
                "Prefix",
                "Expiration",
                "NoncurrentVersionExpiration",
                "AbortIncompleteMultipartUpload")) {
            if (r.all(single).size() > 1) throw malformed();
        }
        if (r.child("Transition").isPresent()
                || r.child("NoncurrentVersionTransition").isPresent()) {
            throw new S3Exception(
                    S3ErrorCode.NOT_IMPLEMENTED,
                    "Transition actions are not supported: this server has a single storage class");
        }
        String id = r.childText("ID").orElse(null);
        if (id == null || id.isEmpty()) id = Versions.newId().substring(0, 24).toUpperCase(java.util.Locale.ROOT);
        if (id.length() > 255) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "ID length should not exceed allowed limit of 255")
                    .with("ArgumentName", "ID")
                    .with("ArgumentValue", id);
        }
        String status = r.childText("Status").map(String::trim).orElseThrow(Lifecycle::malformed);
        if (!status.equals("Enabled") && !status.equals("Disabled")) throw malformed();

        Optional<XmlElement> filterElement = r.child("Filter");
        Optional<String> legacyPrefix = r.childText("Prefix");
        if (filterElement.isPresent() == legacyPrefix.isPresent()) throw malformed();
        Filter filter = filterElement
                .map(Lifecycle::filter)
                .orElseGet(() -> new Filter(true, false, legacyPrefix.get(), List.of(), null, null));

        Expiration expiration = r.child("Expiration").map(Lifecycle::expiration).orElse(null);
        NoncurrentExpiration noncurrent = r.child("NoncurrentVersionExpiration")
                .map(Lifecycle::noncurrent)
                .orElse(null);
        Integer abortDays = null;
        if (r.child("AbortIncompleteMultipartUpload").isPresent()) {
            String days = r.child("AbortIncompleteMultipartUpload")
                    .get()
                    .childText("DaysAfterInitiation")
                    .orElseThrow(Lifecycle::malformed);
            abortDays = positive(
                    days,
                    "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
                    "DaysAfterInitiation");
        }
        if (expiration == null && noncurrent == null && abortDays == null) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "At least one action needs to be specified in a rule");
        }
        if (abortDays != null && filter.hasTags()) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST, "AbortIncompleteMultipartUpload cannot be specified with Tags.");
        }
        if (expiration != null && expiration.removesExpiredDeleteMarkers() && filter.hasTags()) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST, "ExpiredObjectDeleteMarker cannot be specified with Tags.");
        }
        return new Rule(id, status.equals("Enabled"), filter, expiration, noncurrent, abortDays);
    }

    private static Filter filter(XmlElement f) {
        int conditions = 0;
        for (XmlElement c : f.children()) {
            switch (c.name()) {
                case "Prefix", "Tag", "And", "ObjectSizeGreaterThan", "ObjectSizeLessThan" -> conditions++;
                default -> throw malformed();
            }
        }
        if (conditions > 1) throw malformed();
        Optional<XmlElement> and = f.child("And");
        if (and.isPresent()) {
            XmlElement a = and.get();
            List<Tag> tags = new ArrayList<>();
            for (XmlElement c : a.children()) {
                switch (c.name()) {
                    case "Prefix", "ObjectSizeGreaterThan", "ObjectSizeLessThan" -> {
                        if (a.all(c.name()).size() > 1) throw malformed();
                    }
                    case "Tag" -> tags.add(tag(c));
                    default -> throw malformed();
                }
            }
            Set<String> keys = new HashSet<>();
            for (Tag t : tags) {
                if (!keys.add(t.key()))
                    throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Duplicate Tag Keys are not allowed.");
            }
            Long gt = a.childText("ObjectSizeGreaterThan")
                    .map(v -> size(v, "ObjectSizeGreaterThan"))
                    .orElse(null);
            Long lt = a.childText("ObjectSizeLessThan")
                    .map(v -> size(v, "ObjectSizeLessThan"))
                    .orElse(null);
            checkSizes(gt, lt);
            return new Filter(false, true, a.childText("Prefix").orElse(null), tags, gt, lt);
        }
        Long gt = f.childText("ObjectSizeGreaterThan")
                .map(v -> size(v, "ObjectSizeGreaterThan"))
                .orElse(null);
        Long lt = f.childText("ObjectSizeLessThan")
                .map(v -> size(v, "ObjectSizeLessThan"))
                .orElse(null);
        List<Tag> tags = f.child("Tag").map(t -> List.of(tag(t))).orElse(List.of());
        return new Filter(false, false, f.childText("Prefix").orElse(null), tags, gt, lt);
    }

    private static Tag tag(XmlElement t) {
        String key = t.childText("Key").orElseThrow(Lifecycle::malformed);
        String value = t.childText("Value").orElse("");
        if (key.isEmpty() || key.codePointCount(0, key.length()) > 128) {
            throw new S3Exception(S3ErrorCode.INVALID_TAG, "The TagKey you have provided is invalid");
        }
        if (value.codePointCount(0, value.length()) > 256) {
            throw new S3Exception(S3ErrorCode.INVALID_TAG, "The TagValue you have provided is invalid");
        }
        return new Tag(key, value);
    }

    private static long size(String raw, String name) {
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw malformed();
        }
        if (v < 0) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "'" + name + "' should be a non-negative integer")
                    .with("ArgumentName", name)
                    .with("ArgumentValue", raw.trim());
        }
        return v;
    }

    private static void checkSizes(Long gt, Long lt) {
        if (gt != null && lt != null && gt >= lt) {
            throw new S3Exception(
                            S3ErrorCode.INVALID_ARGUMENT, "ObjectSizeGreaterThan must be less than ObjectSizeLessThan")
                    .with("ArgumentName", "ObjectSizeGreaterThan")
                    .with("ArgumentValue", Long.toString(gt));
        }
    }

    private static Expiration expiration(XmlElement e) {
        for (XmlElement c : e.children()) {
            if (!Set.of("Days", "Date", "ExpiredObjectDeleteMarker").contains(c.name())
                    || e.all(c.name()).size() > 1) {
                throw malformed();
            }
        }
        Optional<String> days = e.childText("Days");
        Optional<String> date = e.childText("Date");
        Optional<String> marker = e.childText("ExpiredObjectDeleteMarker").map(String::trim);
        int given = (days.isPresent() ? 1 : 0) + (date.isPresent() ? 1 : 0) + (marker.isPresent() ? 1 : 0);
        // Days, Date and ExpiredObjectDeleteMarker exclude each other (AWS's schema).
        if (given != 1) throw malformed();
        if (marker.isPresent()) {
            if (!marker.get().equals("true") && !marker.get().equals("false")) throw malformed();
            return new Expiration(null, null, marker.get().equals("true"));
        }
        if (days.isPresent()) {
            return new Expiration(
                    positive(days.get(), "'Days' for Expiration action must be a positive integer", "Days"),
                    null,
                    null);
        }
        long t;
        try {
            t = OffsetDateTime.parse(date.get().trim()).toInstant().toEpochMilli();
        } catch (DateTimeParseException ex) {
            try {
                t = Instant.parse(date.get().trim()).toEpochMilli();
            } catch (DateTimeParseException ex2) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid date")
                        .with("ArgumentName", "Date")
                        .with("ArgumentValue", date.get());
            }
        }
        if (Math.floorMod(t, DAY_MILLIS) != 0) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "'Date' must be at midnight GMT")
                    .with("ArgumentName", "Date")
                    .with("ArgumentValue", date.get());
        }
        return new Expiration(null, t, null);
    }

    private static NoncurrentExpiration noncurrent(XmlElement n) {
        for (XmlElement c : n.children()) {
            if (!Set.of("NoncurrentDays", "NewerNoncurrentVersions").contains(c.name())
                    || n.all(c.name()).size() > 1) {
                throw malformed();
            }
        }
        String days = n.childText("NoncurrentDays").orElseThrow(Lifecycle::malformed);
        int d = positive(
                days,
                "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
                "NoncurrentDays");
        Integer newer = null;
        Optional<String> keep = n.childText("NewerNoncurrentVersions");
        if (keep.isPresent()) {
            newer = positive(
                    keep.get(),
                    "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer",
                    "NewerNoncurrentVersions");
            if (newer > 100) {
                throw new S3Exception(
                                S3ErrorCode.INVALID_ARGUMENT,
                                "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must not exceed 100")
                        .with("ArgumentName", "NewerNoncurrentVersions")
                        .with("ArgumentValue", keep.get());
            }
        }
        return new NoncurrentExpiration(d, newer);
    }

    /** A day count: not a number is MalformedXML (schema), zero or negative is InvalidArgument with AWS's message. */
    private static int positive(String raw, String message, String name) {
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw malformed();
        }
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, message)
                    .with("ArgumentName", name)
                    .with("ArgumentValue", raw.trim());
        }
        return (int) v;
    }

    private static S3Exception malformed() {
        return new S3Exception(S3ErrorCode.MALFORMED_XML);
    }

    // ---- the document GetBucketLifecycleConfiguration answers ----

    static XmlWriter toXml(LifecycleConfiguration config) {
        XmlWriter x = new XmlWriter().start("LifecycleConfiguration", XmlWriter.S3_NAMESPACE);
        for (Rule r : config.rules()) {
            x.start("Rule");
            Expiration e = r.expiration();
            if (e != null) {
                x.start("Expiration");
                if (e.days() != null) x.element("Days", e.days());
                if (e.date() != null) x.element("Date", Formats.isoDate(e.date()));
                if (e.expiredObjectDeleteMarker() != null)
                    x.element("ExpiredObjectDeleteMarker", e.expiredObjectDeleteMarker());
                x.end();
            }
            x.element("ID", r.id());
            Filter f = r.filter();
            if (f.legacyPrefix()) {
                x.element("Prefix", f.prefix());
            } else {
                x.start("Filter");
                if (f.and()) x.start("And");
                if (f.prefix() != null) x.element("Prefix", f.prefix());
                for (Tag t : f.tags())
                    x.start("Tag")
                            .element("Key", t.key())
                            .element("Value", t.value())
                            .end();
                if (f.sizeGreaterThan() != null) x.element("ObjectSizeGreaterThan", f.sizeGreaterThan());
                if (f.sizeLessThan() != null) x.element("ObjectSizeLessThan", f.sizeLessThan());
                if (f.and()) x.end();
                x.end();
            }
            x.element("Status", r.enabled() ? "Enabled" : "Disabled");
            if (r.noncurrent() != null) {
                x.start("NoncurrentVersionExpiration")
                        .element("NoncurrentDays", r.noncurrent().noncurrentDays());
                if (r.noncurrent().newerNoncurrentVersions() != null) {
                    x.element("NewerNoncurrentVersions", r.noncurrent().newerNoncurrentVersions());
                }
                x.end();
            }
            if (r.abortDaysAfterInitiation() != null) {
                x.start("AbortIncompleteMultipartUpload")
                        .element("DaysAfterInitiation", r.abortDaysAfterInitiation())
                        .end();
            }
            x.end();
        }
        return x;
    }
}
