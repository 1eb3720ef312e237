package io.rampart.s3;

import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore.DeleteBucketResult;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation. */
final class Buckets {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private final Context ctx;

    Buckets(Context ctx) {
        this.ctx = ctx;
    }

    static boolean validName(String name) {
        return NAME.matcher(name).matches()
                && !name.contains("..")
                && !name.contains(".-")
                && !name.contains("-.")
                && !IP.matcher(name).matches()
                && !name.startsWith("xn--")
                && !name.startsWith("sthree-")
                && !name.startsWith("amzn-s3-demo-")
                && !name.endsWith("-s3alias")
                && !name.endsWith("--ol-s3")
                && !name.endsWith(".mrap")
                && !name.endsWith("--x-s3")
                && !name.endsWith("--table-s3");
    }

    S3Response list(AuthorizedCall call) {
        if (call.principal().isAnonymous()) throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        String account = call.principal().accountId();
        String prefix = call.query("prefix").orElse("");
        int max = call.query("max-buckets")
                .map(v -> parseInt(v, "max-buckets", 1, 10000))
                .orElse(10000);
        String after =
                call.query("continuation-token").map(Buckets::decodeToken).orElse("");
        List<Bucket> all = ctx.meta().buckets(account);
        XmlWriter x = new XmlWriter().start("ListAllMyBucketsResult", XmlWriter.S3_NAMESPACE);
        x.start("Buckets");
        int count = 0;
        String last = null;
        boolean truncated = false;
        for (Bucket b : all) {
            if (!b.name().startsWith(prefix) || b.name().compareTo(after) <= 0) continue;
            if (count == max) {
                truncated = true;
                break;
            }
            x.start("Bucket")
                    .element("Name", b.name())
                    .element("CreationDate", Formats.isoDate(b.created()))
                    .element("BucketRegion", b.region())
                    .end();
            last = b.name();
            count++;
        }
        x.end();
        Owners.write(x, "Owner", account);
        if (truncated) x.element("ContinuationToken", encodeToken(last));
        if (call.hasQuery("prefix")) x.element("Prefix", prefix);
        return S3Response.xml(x);
    }

    static String encodeToken(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeToken(String t) {
        try {
            // Strict: a token that is not the base64 of UTF-8 text was not made here (boto3 s3-tests pass garbage).
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Base64.getUrlDecoder().decode(t)))
                    .toString();
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The continuation token provided is incorrect")
                    .with("ArgumentName", "continuation-token");
        }
    }

    static int parseInt(String v, String name, int min, int max) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) throw new NumberFormatException();
            return Math.min(n, max);
        } catch (NumberFormatException e) {
            throw new S3Exception(
                            S3ErrorCode.INVALID_ARGUMENT,
                            "Provided " + name + " not an integer or within integer range")
                    .with("ArgumentName", name)
                    .with("ArgumentValue", v);
        }
    }

    S3Response create(AuthorizedCall call) throws IOException {
        if (call.principal().isAnonymous()) throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        String name = call.bucket();
        if (!validName(name)) throw new S3Exception(S3ErrorCode.INVALID_BUCKET_NAME).with("BucketName", name);
        // Object Lock implies versioning, enabled for good.
        boolean objectLock = call.header("x-amz-bucket-object-lock-enabled")
                .map("true"::equalsIgnoreCase)
                .orElse(false);
        byte[] body = call.body().readAllBytes();
        Optional<String> constraint = Optional.empty();
        if (body.length > 0 && !new String(body, StandardCharsets.UTF_8).isBlank()) {
            XmlElement root = RequestXml.parse(body, "CreateBucketConfiguration");
            constraint = root.childText("LocationConstraint").map(String::trim).filter(s -> !s.isEmpty());
        }
        checkLocation(constraint);
        BucketSettings settings = BucketSettings.forNewBucket(ctx.settings().blockSseCOnNewBuckets());
        if (objectLock) settings = settings.withObjectLock(new BucketSettings.LockConfiguration(null, null, null));
        settings = settings.withOwnership(Acls.forNewBucket(call));
        Bucket b = new Bucket(
                name,
                call.principal().accountId(),
                ctx.region(),
                ctx.now(),
                objectLock ? "Enabled" : "",
                objectLock,
                settings.toJson());
        Optional<Bucket> existing = ctx.meta().createBucket(b);
        if (existing.isPresent()) {
            boolean owned = existing.get().owner().equals(call.principal().accountId());
            // S3's legacy answer in us-east-1: the owner re-creating its bucket gets 200 and nothing changes (ACLs are
            // off).
            if (owned && "us-east-1".equals(ctx.region())) {
                return S3Response.ok().header("Location", "/" + name).header("Content-Length", "0");
            }
            throw new S3Exception(owned ? S3ErrorCode.BUCKET_ALREADY_OWNED_BY_YOU : S3ErrorCode.BUCKET_ALREADY_EXISTS)
                    .with("BucketName", name);
        }
        return S3Response.ok().header("Location", "/" + name).header("Content-Length", "0");
    }

    /** What S3 accepts as a LocationConstraint: a region name (or the legacy "EU"); anything else is not a region at all. */
    private static final Pattern REGION = Pattern.compile("EU|[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}");

    private void checkLocation(Optional<String> constraint) {
        String region = ctx.region();
        if (constraint.isPresent()
                && !constraint.get().equals(region)
                && !REGION.matcher(constraint.get()).matches()) {
            throw new S3Exception(S3ErrorCode.INVALID_LOCATION_CONSTRAINT).with("LocationConstraint", constraint.get());
        }
        if ("us-east-1".equals(region)) {
            if (constraint.isEmpty()) return;
            if (constraint.get().equals("us-east-1")) {
                throw new S3Exception(S3ErrorCode.INVALID_LOCATION_CONSTRAINT).with("LocationConstraint", "us-east-1");
            }
            throw new S3Exception(
                    S3ErrorCode.ILLEGAL_LOCATION_CONSTRAINT,
                    "The " + constraint.get()
                            + " location constraint is incompatible for the region specific endpoint this request was sent to.");
        }
        if (constraint.isEmpty()) throw new S3Exception(S3ErrorCode.ILLEGAL_LOCATION_CONSTRAINT);
        if (!constraint.get().equals(region)) {
            throw new S3Exception(
                    S3ErrorCode.ILLEGAL_LOCATION_CONSTRAINT,
                    "The " + constraint.get()
                            + " location constraint is incompatible for the region specific endpoint this request was sent to.");
        }
    }

    S3Response head(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        return S3Response.ok().header("x-amz-bucket-region", b.region()).header("x-amz-access-point-alias", "false");
    }

    S3Response delete(AuthorizedCall call) {
        ctx.ownedBucket(call);
        DeleteBucketResult r = ctx.meta().deleteBucket(call.bucket());
        return switch (r) {
            case DELETED -> S3Response.noContent();
            case NOT_FOUND -> throw new S3Exception(S3ErrorCode.NO_SUCH_BUCKET).with("BucketName", call.bucket());
            case NOT_EMPTY -> throw new S3Exception(S3ErrorCode.BUCKET_NOT_EMPTY).with("BucketName", call.bucket());
        };
    }

    S3Response location(AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        // us-east-1 is reported as an empty constraint, as S3 does.
        String r = "us-east-1".equals(b.region()) ? "" : b.region();
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"" + XmlWriter.S3_NAMESPACE
                + "\">" + r + "</LocationConstraint>";
        return S3Response.ok().bytes(xml.getBytes(StandardCharsets.UTF_8), "application/xml");
    }
}
