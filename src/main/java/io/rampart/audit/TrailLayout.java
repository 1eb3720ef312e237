package io.rampart.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Where the trail's files live under its directory, named and foldered exactly as CloudTrail names them in a bucket
 * (the trail directory plays the bucket): {@code AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/...json.gz} and
 * {@code AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/...json.gz}; each digest's signature in the sidecar
 * {@code <digest>.sig} (what S3 keeps as the object's x-amz-meta-signature metadata); the open segment under
 * {@code segments/}; the writer's state in {@code state.json}; keys under {@code keys/}.
 */
public final class TrailLayout {
    static final DateTimeFormatter LOG_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    static final DateTimeFormatter DIGEST_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy/MM/dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    public static final String SIGNATURE_SUFFIX = ".sig";

    private final Path root;

    public TrailLayout(Path root) {
        this.root = root;
    }

    /** The trail directory of a data directory. */
    public static TrailLayout ofDataDir(Path dataDir) {
        return new TrailLayout(dataDir.resolve("trail"));
    }

    public Path root() {
        return root;
    }

    public Path segments() {
        return root.resolve("segments");
    }

    public Path keys() {
        return root.resolve("keys");
    }

    public Path state() {
        return root.resolve("state.json");
    }

    public Path resolve(String s3Object) {
        return root.resolve(s3Object);
    }

    static String logObject(String account, String region, Instant time, String random) {
        return "AWSLogs/" + account + "/CloudTrail/" + region + "/" + DAY.format(time) + "/" + account + "_CloudTrail_"
                + region + "_" + LOG_STAMP.format(time) + "_" + random + ".json.gz";
    }

    static String digestObject(String account, String region, String trailName, Instant end) {
        return "AWSLogs/" + account + "/CloudTrail-Digest/" + region + "/" + DAY.format(end) + "/" + account
                + "_CloudTrail-Digest_" + region + "_" + trailName + "_" + region + "_" + DIGEST_STAMP.format(end)
                + ".json.gz";
    }

    /** Relative S3-style key of a file under the trail directory. */
    String objectOf(Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    /** All sealed log files ({@code .../CloudTrail/...json.gz}), by relative key. */
    public List<String> logFiles() throws IOException {
        return files("/CloudTrail/");
    }

    /** All digest files ({@code .../CloudTrail-Digest/...json.gz}), by relative key. */
    public List<String> digestFiles() throws IOException {
        return files("/CloudTrail-Digest/");
    }

    private List<String> files(String marker) throws IOException {
        Path logs = root.resolve("AWSLogs");
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(logs)) return out;
        try (Stream<Path> walk = Files.walk(logs)) {
            walk.filter(Files::isRegularFile)
                    .map(this::objectOf)
                    .filter(o -> o.contains(marker) && o.endsWith(".json.gz") && !o.contains("/."))
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    static String sha256Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
