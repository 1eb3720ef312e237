package io.rampart.storage;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a server keeps its blobs ({@code rampart server --blobs}): a directory, which may be a filesystem several nodes
 * share, or a bucket on any S3 endpoint. The start-up sweep removes only orphans older than {@link #sweepGrace()}, so
 * that it never takes a blob another node has just written and not yet referenced.
 */
public sealed interface BlobLocation {
    /** How old an unreferenced blob must be before a sweep removes it, where other nodes may be writing. */
    Duration DEFAULT_SWEEP_GRACE = Duration.ofHours(1);

    String USAGE = "--blobs takes a directory or s3://BUCKET[/PREFIX][?endpoint=URL&region=REGION]";

    Duration sweepGrace();

    /** The same location with another sweep grace (tests shorten it). */
    BlobLocation withSweepGrace(Duration grace);

    /** Opens the store, checking that it can be reached. */
    BlobStore open(boolean fsync) throws IOException;

    /**
     * The default: {@code <data-dir>/blobs}, temporary files in {@code <data-dir>/tmp}, both private to this node, so
     * its start-up sweep needs no grace.
     */
    static Directory defaultFor(Path dataDir) {
        return new Directory(dataDir.resolve("blobs"), dataDir.resolve("tmp"), Duration.ZERO);
    }

    /**
     * Parses the option's value. Credentials of an S3 location come from {@code RAMPART_BLOBS_ACCESS_KEY_ID} and
     * {@code RAMPART_BLOBS_SECRET_ACCESS_KEY} in {@code env} (both or neither; neither: the default AWS chain).
     *
     * @throws IllegalArgumentException saying what is wrong with the value
     */
    static BlobLocation parse(String spec, Map<String, String> env) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException(USAGE + ", got an empty value");
        String s = spec.trim();
        int scheme = s.indexOf("://");
        if (scheme < 0) {
            Path dir = Path.of(s).toAbsolutePath().normalize();
            return new Directory(dir, dir.resolve(".tmp"), DEFAULT_SWEEP_GRACE);
        }
        if (!s.substring(0, scheme).equalsIgnoreCase("s3")) {
            throw new IllegalArgumentException(USAGE + ", got the scheme '" + s.substring(0, scheme) + "'");
        }
        return S3.parse(s, env);
    }

    /** Blob files under {@code dir} (fanned out by id), written first to {@code tmp} on the same filesystem. */
    record Directory(Path dir, Path tmp, Duration sweepGrace) implements BlobLocation {
        @Override
        public Directory withSweepGrace(Duration grace) {
            return new Directory(dir, tmp, grace);
        }

        @Override
        public BlobStore open(boolean fsync) throws IOException {
            return new LocalBlobStore(dir, tmp, fsync, sweepGrace);
        }
    }

    /**
     * Blobs as objects {@code <prefix>/<2-char fan-out>/<id>} in {@code bucket}; {@code endpoint} null is AWS S3 itself.
     * {@code accessKeyId} null: the default AWS credential chain.
     */
    record S3(
            String bucket,
            String prefix,
            URI endpoint,
            String region,
            String accessKeyId,
            String secretAccessKey,
            Duration sweepGrace)
            implements BlobLocation {
        public static final String ACCESS_KEY_ENV = "RAMPART_BLOBS_ACCESS_KEY_ID";
        public static final String SECRET_KEY_ENV = "RAMPART_BLOBS_SECRET_ACCESS_KEY";

        public S3 {
            if ((accessKeyId == null) != (secretAccessKey == null)) {
                throw new IllegalArgumentException(
                        "set both " + ACCESS_KEY_ENV + " and " + SECRET_KEY_ENV + ", or neither");
            }
        }

        static S3 parse(String spec, Map<String, String> env) {
            URI uri;
            try {
                uri = new URI(spec);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(USAGE + ": " + e.getMessage());
            }
            String bucket = uri.getRawAuthority();
            if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException(USAGE + ": '" + (bucket == null ? "" : bucket)
                        + "' is not a bucket name (3 to 63 lower-case letters, digits, '.' and '-')");
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            String prefix = path.replaceAll("^/+|/+$", "");
            if (prefix.contains("//"))
                throw new IllegalArgumentException(USAGE + ": the prefix '" + prefix + "' has an empty segment");
            Map<String, String> query = query(uri.getRawQuery());
            URI endpoint = null;
            String e = query.remove("endpoint");
            if (e != null) {
                try {
                    endpoint = new URI(e);
                } catch (URISyntaxException ex) {
                    throw new IllegalArgumentException(USAGE + ": endpoint '" + e + "' is not a URL");
                }
                if (endpoint.getHost() == null
                        || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
                    throw new IllegalArgumentException(
                            USAGE + ": endpoint '" + e + "' must be an http:// or https:// URL");
                }
            }
            String region = query.remove("region");
            if (region == null) region = "us-east-1";
            if (!region.matches("[a-z0-9-]{1,32}"))
                throw new IllegalArgumentException(USAGE + ": invalid region '" + region + "'");
            if (!query.isEmpty()) {
                throw new IllegalArgumentException(USAGE + ": unknown parameter '"
                        + query.keySet().iterator().next() + "' (only endpoint and region)");
            }
            String id = blankToNull(env.get(ACCESS_KEY_ENV));
            String secret = blankToNull(env.get(SECRET_KEY_ENV));
            return new S3(bucket, prefix, endpoint, region, id, secret, DEFAULT_SWEEP_GRACE);
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> out = new LinkedHashMap<>();
            if (raw == null || raw.isEmpty()) return out;
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (value.isEmpty())
                    throw new IllegalArgumentException(USAGE + ": parameter '" + name + "' has no value");
                if (out.put(name, value) != null)
                    throw new IllegalArgumentException(USAGE + ": parameter '" + name + "' given twice");
            }
            return out;
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }

        /** The same location signed with these credentials (tests; the server takes them from the environment). */
        public S3 withCredentials(String id, String secret) {
            return new S3(bucket, prefix, endpoint, region, id, secret, sweepGrace);
        }

        @Override
        public S3 withSweepGrace(Duration grace) {
            return new S3(bucket, prefix, endpoint, region, accessKeyId, secretAccessKey, grace);
        }

        @Override
        public BlobStore open(boolean fsync) throws IOException {
            return S3BlobStore.open(this);
        }

        /** Never the secret. */
        @Override
        public String toString() {
            return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + "?region=" + region
                    + (endpoint == null ? "" : "&endpoint=" + endpoint);
        }
    }
}
