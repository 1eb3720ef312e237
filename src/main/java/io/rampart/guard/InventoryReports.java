package io.rampart.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.InventoryConfiguration;
import software.amazon.awssdk.services.s3.model.InventoryFormat;
import software.amazon.awssdk.services.s3.model.InventoryIncludedObjectVersions;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3 Inventory reports as a cheaper source than a HEAD per version: the bucket's inventory configuration (enabled, CSV,
 * all versions), the newest {@code manifest.json} under its destination, and the CSV (.gz) files it
 * lists (each checked against the manifest's MD5). A manifest can also be named explicitly (--inventory-manifest).
 */
final class InventoryReports {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One data file of a report. */
    record DataFile(String key, String md5) {}

    /** A manifest.json: where it is, what bucket it lists, when, its CSV columns and data files (in its destination bucket). */
    record Manifest(
            String location,
            String sourceBucket,
            String destinationBucket,
            Instant created,
            List<String> schema,
            List<DataFile> files) {
        boolean hasEncryptionStatus() {
            return schema.contains("EncryptionStatus");
        }
    }

    /** One row of a report: a version and its EncryptionStatus (SSE-C, SSE-S3, SSE-KMS, DSSE-KMS, NOT-SSE). */
    record Row(
            String key,
            String versionId,
            boolean latest,
            boolean deleteMarker,
            Instant lastModified,
            String encryption) {}

    private final S3Client s3;

    InventoryReports(S3Client s3) {
        this.s3 = s3;
    }

    /** s3://bucket/key → [bucket, key]; IllegalArgumentException otherwise. */
    static String[] parseS3Uri(String uri) {
        if (!uri.startsWith("s3://") || uri.indexOf('/', 5) < 6 || uri.endsWith("/")) {
            throw new IllegalArgumentException(
                    "invalid --inventory-manifest '" + uri + "' (expected s3://BUCKET/PATH/manifest.json)");
        }
        int slash = uri.indexOf('/', 5);
        return new String[] {uri.substring(5, slash), uri.substring(slash + 1)};
    }

    /** Reads and parses a manifest.json. */
    Read<Manifest> read(String bucket, String key) {
        Read<byte[]> bytes = Read.of(
                "s3:GetObject",
                Set.of("NoSuchKey", "NoSuchBucket"),
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        return switch (bytes) {
            case Read.Got<byte[]> g -> {
                try {
                    yield new Read.Got<>(parse("s3://" + bucket + "/" + key, g.value()));
                } catch (IllegalArgumentException e) {
                    yield new Read.Failed<>("s3:GetObject", e.getMessage());
                }
            }
            case Read.Absent<byte[]> a ->
                new Read.Failed<>("s3:GetObject", "s3://" + bucket + "/" + key + " does not exist (" + a.code() + ")");
            case Read.Denied<byte[]> d -> new Read.Denied<>(d.action(), d.detail());
            case Read.Failed<byte[]> f -> new Read.Failed<>(f.action(), f.detail());
        };
    }

    static Manifest parse(String location, byte[] json) {
        JsonNode m;
        try {
            m = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(location + " is not JSON: " + e.getMessage());
        }
        if (m == null || !m.isObject() || !m.path("files").isArray())
            throw new IllegalArgumentException(location + " is not an S3 Inventory manifest");
        if (!"CSV".equalsIgnoreCase(m.path("fileFormat").asText())) {
            throw new IllegalArgumentException(
                    location + ": format " + m.path("fileFormat").asText() + " (guard reads CSV reports only)");
        }
        List<String> schema = new ArrayList<>();
        for (String c : m.path("fileSchema").asText().split(",")) schema.add(c.strip());
        List<DataFile> files = new ArrayList<>();
        for (JsonNode f : m.path("files"))
            files.add(new DataFile(f.path("key").asText(), f.path("MD5checksum").asText("")));
        String dest = m.path("destinationBucket").asText();
        dest = dest.startsWith("arn:aws:s3:::") ? dest.substring("arn:aws:s3:::".length()) : dest;
        Instant created = Instant.EPOCH;
        try {
            created = Instant.ofEpochMilli(
                    Long.parseLong(m.path("creationTimestamp").asText()));
        } catch (NumberFormatException e) {
            // AWS writes milliseconds as a string; without it the report's age is unknown (epoch)
        }
        return new Manifest(location, m.path("sourceBucket").asText(), dest, created, schema, files);
    }

    /**
     * The newest report of the bucket's inventory configuration that guard can use (CSV, all versions, EncryptionStatus):
     * empty when there is none; Failed/Denied when the configurations or the destination cannot be read.
     */
    Read<Optional<Manifest>> configured(String bucket) {
        List<InventoryConfiguration> configs = new ArrayList<>();
        Read<Integer> listed = Read.of("s3:GetInventoryConfiguration", () -> {
            String token = null;
            do {
                String t = token;
                var r = s3.listBucketInventoryConfigurations(
                        b -> b.bucket(bucket).continuationToken(t));
                configs.addAll(r.inventoryConfigurationList());
                token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
            } while (token != null);
            return configs.size();
        });
        if (!(listed instanceof Read.Got<Integer>)) return retype(listed);
        for (InventoryConfiguration c : configs) {
            var dest = c.destination() == null ? null : c.destination().s3BucketDestination();
            if (!Boolean.TRUE.equals(c.isEnabled())
                    || dest == null
                    || dest.format() != InventoryFormat.CSV
                    || c.includedObjectVersions() != InventoryIncludedObjectVersions.ALL) {
                continue;
            }
            // Whether it lists EncryptionStatus is the manifest's fileSchema to say (the report as written, not as
            // configured).
            String destBucket =
                    dest.bucket().startsWith("arn:aws:s3:::") ? dest.bucket().substring(13) : dest.bucket();
            String prefix =
                    (dest.prefix() == null || dest.prefix().isEmpty()
                                    ? ""
                                    : dest.prefix().replaceAll("/+$", "") + "/") + bucket + "/" + c.id() + "/";
            Read<Optional<String>> newest = Read.of(
                    "s3:ListBucket",
                    () -> s3.listObjectsV2Paginator(b -> b.bucket(destBucket).prefix(prefix)).contents().stream()
                            .map(S3Object::key)
                            .filter(k -> k.endsWith("/manifest.json"))
                            .max(String::compareTo));
            if (!(newest instanceof Read.Got<Optional<String>> n)) return retype(newest);
            if (n.value().isEmpty()) continue;
            Read<Manifest> m = read(destBucket, n.value().get());
            if (!(m instanceof Read.Got<Manifest> got)) return retype(m);
            return new Read.Got<>(Optional.of(got.value()));
        }
        return new Read.Got<>(Optional.empty());
    }

    @SuppressWarnings("unchecked")
    private static <T> Read<T> retype(Read<?> r) {
        return switch (r) {
            case Read.Denied<?> d -> new Read.Denied<>(d.action(), d.detail());
            case Read.Failed<?> f -> new Read.Failed<>(f.action(), f.detail());
            case Read.Absent<?> a -> new Read.Absent<>(a.code());
            case Read.Got<?> g -> (Read<T>) g;
        };
    }

    /** Every row of the report's data files, in order; IllegalStateException when a file is unreadable or its MD5 differs. */
    void rows(Manifest m, java.util.function.Consumer<Row> sink) {
        int key = m.schema().indexOf("Key");
        int version = m.schema().indexOf("VersionId");
        int latest = m.schema().indexOf("IsLatest");
        int marker = m.schema().indexOf("IsDeleteMarker");
        int modified = m.schema().indexOf("LastModifiedDate");
        int enc = m.schema().indexOf("EncryptionStatus");
        if (key < 0 || enc < 0)
            throw new IllegalStateException(m.location() + " has no Key or EncryptionStatus column");
        for (DataFile f : m.files()) {
            MessageDigest md5;
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            try (InputStream raw = new DigestInputStream(
                    s3.getObject(b -> b.bucket(m.destinationBucket()).key(f.key())), md5)) {
                InputStream in = f.key().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.isEmpty()) continue;
                    List<String> c = csv(line);
                    if (c.size() <= Math.max(key, enc))
                        throw new IllegalStateException(f.key() + ": a row has too few columns");
                    sink.accept(new Row(
                            URLDecoder.decode(c.get(key), StandardCharsets.UTF_8),
                            version >= 0 && !c.get(version).isEmpty() ? c.get(version) : "null",
                            latest < 0 || Boolean.parseBoolean(c.get(latest)),
                            marker >= 0 && Boolean.parseBoolean(c.get(marker)),
                            modified >= 0 ? time(c.get(modified)) : Instant.EPOCH,
                            c.get(enc).toUpperCase(Locale.ROOT)));
                }
                raw.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(f.key() + ": " + e.getMessage(), e);
            }
            String got = HexFormat.of().formatHex(md5.digest());
            if (!f.md5().isEmpty() && !f.md5().equalsIgnoreCase(got)) {
                throw new IllegalStateException(f.key() + ": MD5 " + got + " differs from the manifest's " + f.md5());
            }
        }
    }

    private static Instant time(String s) {
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    /** One CSV line as S3 Inventory writes it: every field quoted, a quote inside doubled. */
    static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
