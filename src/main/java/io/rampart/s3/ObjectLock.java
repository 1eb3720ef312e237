package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore.Precondition;
import io.rampart.storage.ObjectMeta.LockState;
import io.rampart.storage.ObjectVersion;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Object Lock: the bucket's configuration and default retention, per-version retention and legal hold, the
 * x-amz-object-lock-* headers on writes, and the rule that a locked version cannot be deleted: COMPLIANCE by no one,
 * GOVERNANCE only with x-amz-bypass-governance-retention by a caller allowed to (until policies land: the admin).
 */
final class ObjectLock {
    private final Context ctx;

    ObjectLock(Context ctx) {
        this.ctx = ctx;
    }

    // ---- bucket configuration ----

    S3Response getConfiguration(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        if (!b.objectLock())
            throw new S3Exception(S3ErrorCode.OBJECT_LOCK_CONFIGURATION_NOT_FOUND).with("BucketName", b.name());
        BucketSettings.LockConfiguration l = BucketSettings.of(b).objectLock();
        XmlWriter x = new XmlWriter()
                .start("ObjectLockConfiguration", XmlWriter.S3_NAMESPACE)
                .element("ObjectLockEnabled", "Enabled");
        if (l != null && l.mode() != null) {
            x.start("Rule").start("DefaultRetention").element("Mode", l.mode());
            if (l.days() != null) x.element("Days", l.days());
            if (l.years() != null) x.element("Years", l.years());
            x.end().end();
        }
        return S3Response.xml(x);
    }

    S3Response putConfiguration(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        XmlElement root = parse(call, "ObjectLockConfiguration");
        if (!root.childText("ObjectLockEnabled").map(String::trim).orElse("").equals("Enabled")) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        BucketSettings.LockConfiguration config = new BucketSettings.LockConfiguration(null, null, null);
        Optional<XmlElement> rule = root.child("Rule");
        if (rule.isPresent()) {
            XmlElement dr =
                    rule.get().child("DefaultRetention").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
            String mode = mode(dr.childText("Mode").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML)));
            Optional<String> days = dr.childText("Days");
            Optional<String> years = dr.childText("Years");
            if (days.isPresent() == years.isPresent()) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            int n;
            try {
                n = Integer.parseInt(days.orElseGet(years::get).trim());
            } catch (NumberFormatException e) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            if (n <= 0) {
                throw new S3Exception(S3ErrorCode.INVALID_RETENTION_PERIOD);
            }
            config = new BucketSettings.LockConfiguration(
                    mode, days.isPresent() ? n : null, years.isPresent() ? n : null);
        }
        BucketSettings.LockConfiguration finalConfig = config;
        ctx.meta().setVersioning(b.name(), current -> {
            if (!current.objectLock() && !"Enabled".equals(current.versioning())) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_BUCKET_STATE,
                        "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
            }
            return new Bucket(
                    current.name(),
                    current.owner(),
                    current.region(),
                    current.created(),
                    "Enabled",
                    true,
                    current.config());
        });
        BucketSettings.update(ctx, b, s -> s.withObjectLock(finalConfig));
        return S3Response.ok();
    }

    private static XmlElement parse(S3Call call, String rootName) throws IOException {
        return RequestXml.parse(call.body().readAllBytes(), rootName);
    }

    private static String mode(String raw) {
        String m = raw.trim();
        if (!m.equals("GOVERNANCE") && !m.equals("COMPLIANCE")) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        return m;
    }

    // ---- writes: headers and defaults ----

    /** The lock state a new version gets: from the x-amz-object-lock-* headers, else the bucket's default retention. */
    LockState forNewVersion(S3Call call, Bucket b) {
        Optional<String> mode = call.header("x-amz-object-lock-mode");
        Optional<String> until = call.header("x-amz-object-lock-retain-until-date");
        Optional<String> hold = call.header("x-amz-object-lock-legal-hold");
        boolean any = mode.isPresent() || until.isPresent() || hold.isPresent();
        if (any && !b.objectLock()) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Bucket is missing Object Lock Configuration");
        }
        if (!b.objectLock()) return null;
        if (mode.isPresent() != until.isPresent()) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT,
                    "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
        }
        boolean legalHold = false;
        if (hold.isPresent()) {
            if (!hold.get().equals("ON") && !hold.get().equals("OFF")) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Legal Hold must be either of 'ON' or 'OFF'")
                        .with("ArgumentName", "x-amz-object-lock-legal-hold");
            }
            legalHold = hold.get().equals("ON");
        }
        String m = null;
        Long retainUntil = null;
        if (mode.isPresent()) {
            if (!mode.get().equals("GOVERNANCE") && !mode.get().equals("COMPLIANCE")) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Unknown wormMode directive.")
                        .with("ArgumentName", "x-amz-object-lock-mode")
                        .with("ArgumentValue", mode.get());
            }
            m = mode.get();
            retainUntil = futureDate(until.get());
        } else {
            BucketSettings.LockConfiguration l = BucketSettings.of(b).objectLock();
            if (l != null && l.mode() != null) {
                m = l.mode();
                retainUntil = l.defaultRetainUntil(ctx.now());
            }
        }
        if (m == null && !legalHold) return null;
        return new LockState(m, retainUntil, legalHold);
    }

    private long futureDate(String value) {
        long t;
        try {
            t = Instant.parse(value.trim()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new S3Exception(
                            S3ErrorCode.INVALID_ARGUMENT, "The retain until date must be provided in ISO 8601 format")
                    .with("ArgumentName", "RetainUntilDate");
        }
        if (t <= ctx.now()) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The retain until date must be in the future!")
                    .with("ArgumentName", "RetainUntilDate");
        }
        return t;
    }

    static void responseHeaders(S3Response r, LockState l) {
        if (l == null) return;
        if (l.mode() != null) {
            r.header("x-amz-object-lock-mode", l.mode());
            r.header("x-amz-object-lock-retain-until-date", Formats.isoDate(l.retainUntil()));
        }
        r.header("x-amz-object-lock-legal-hold", l.legalHold() ? "ON" : "OFF");
    }

    // ---- deletes ----

    /** Whether the caller asked to bypass GOVERNANCE retention and may (until policies land: any owner-account principal). */
    private static boolean bypass(S3Call call) {
        return call.header("x-amz-bypass-governance-retention")
                .map("true"::equalsIgnoreCase)
                .orElse(false);
    }

    /** Checked inside the delete transaction: a version under legal hold or unexpired retention stays. */
    Precondition permanentDelete(S3Call call) {
        boolean bypass = bypass(call);
        long now = ctx.now();
        return version -> version.ifPresent(v -> check(v.meta().lock(), bypass, now));
    }

    static void check(LockState l, boolean bypass, long now) {
        if (l == null) return;
        if (l.legalHold())
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Access Denied because object protected by object lock.");
        if (l.mode() != null && l.retainUntil() != null && l.retainUntil() > now) {
            if (l.mode().equals("COMPLIANCE") || !bypass) {
                throw new S3Exception(
                        S3ErrorCode.ACCESS_DENIED, "Access Denied because object protected by object lock.");
            }
        }
    }

    // ---- retention and legal hold on one version ----

    private ObjectVersion lockedVersion(AuthorizedCall call, Bucket b) {
        if (!b.objectLock())
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Bucket is missing Object Lock Configuration");
        return Versions.resolve(ctx, call);
    }

    S3Response getRetention(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        ObjectVersion v = lockedVersion(call, b);
        LockState l = v.meta().lock();
        if (l == null || l.mode() == null) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_OBJECT_LOCK_CONFIGURATION);
        }
        XmlWriter x = new XmlWriter()
                .start("Retention", XmlWriter.S3_NAMESPACE)
                .element("Mode", l.mode())
                .element("RetainUntilDate", Formats.isoDate(l.retainUntil()));
        return S3Response.xml(x);
    }

    S3Response putRetention(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        ObjectVersion target = lockedVersion(call, b);
        XmlElement root = parse(call, "Retention");
        String mode = root.childText("Mode").map(ObjectLock::mode).orElse(null);
        Long until = root.childText("RetainUntilDate").map(this::futureDate).orElse(null);
        if ((mode == null) != (until == null)) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        boolean bypass = bypass(call);
        long now = ctx.now();
        Optional<ObjectVersion> updated = ctx.meta().updateMeta(b.name(), call.key(), target.versionId(), m -> {
            LockState cur = m.lock();
            if (cur != null && cur.mode() != null && cur.retainUntil() != null && cur.retainUntil() > now) {
                boolean weaker = mode == null
                        || until < cur.retainUntil()
                        || (cur.mode().equals("COMPLIANCE") && !mode.equals("COMPLIANCE"));
                if (weaker && (cur.mode().equals("COMPLIANCE") || !bypass)) {
                    throw new S3Exception(
                            S3ErrorCode.ACCESS_DENIED, "Access Denied because object protected by object lock.");
                }
            }
            LockState base = cur == null ? new LockState(null, null, false) : cur;
            return m.withLock(base.withRetention(mode, until));
        });
        if (updated.isEmpty()) throw new S3Exception(S3ErrorCode.NO_SUCH_KEY).with("Key", call.key());
        // No x-amz-version-id here: AWS's PutObjectRetention and PutObjectLegalHold responses carry none.
        return S3Response.ok();
    }

    S3Response getLegalHold(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        ObjectVersion v = lockedVersion(call, b);
        LockState l = v.meta().lock();
        if (l == null) throw new S3Exception(S3ErrorCode.NO_SUCH_OBJECT_LOCK_CONFIGURATION);
        return S3Response.xml(new XmlWriter()
                .start("LegalHold", XmlWriter.S3_NAMESPACE)
                .element("Status", l.legalHold() ? "ON" : "OFF"));
    }

    S3Response putLegalHold(AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        ObjectVersion target = lockedVersion(call, b);
        XmlElement root = parse(call, "LegalHold");
        String status = root.childText("Status")
                .map(String::trim)
                .orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
        if (!status.equals("ON") && !status.equals("OFF")) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        boolean updated = ctx.meta()
                .updateMeta(b.name(), call.key(), target.versionId(), m -> {
                    LockState base = m.lock() == null ? new LockState(null, null, false) : m.lock();
                    return m.withLock(base.withLegalHold(status.equals("ON")));
                })
                .isPresent();
        if (!updated) throw new S3Exception(S3ErrorCode.NO_SUCH_KEY).with("Key", call.key());
        // No x-amz-version-id here: AWS's PutObjectRetention and PutObjectLegalHold responses carry none.
        return S3Response.ok();
    }
}
