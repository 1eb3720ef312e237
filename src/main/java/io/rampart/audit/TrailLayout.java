package io.rampart.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Where the trail's files live under its directory, named and foldered exactly as CloudTrail names them in a bucket
 * (the trail directory plays the bucket): {@code AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/...json.gz} and
 * {@code AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/...json.gz}; each digest's signature in the sidecar
 * {@code <digest>.sig} (what S3 keeps as the object's x-amz-meta-signature metadata).
 *
 * <p>Several nodes may write into one directory, each its own files and its own digest chain, as CloudTrail's regions
 * do in one bucket: a node's id prefixes the unique string of its log files ({@code ..._<stamp>_<node>-<random>.json.gz})
 * and follows the time stamp of its digests ({@code ..._<trail>_<region>_<stamp>_<node>.json.gz}); its open segments
 * are under {@code nodes/<node>/segments/} and its writer's state in {@code nodes/<node>/state.json}. Files without a
 * node in their name are a trail's from before node ids (then {@code segments/} and {@code state.json} at the top);
 * legacy keys under {@code keys/}. A layout for one node ({@link #forNode}) sees that node's files and the ones from
 * before node ids; a layout without a node sees every node's.
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
    /** The node whose files this layout sees; null: every node's (a reader), or a trail from before node ids. */
    private final String node;

    public TrailLayout(Path root) {
        this(root, null);
    }

    private TrailLayout(Path root, String node) {
        this.root = root;
        this.node = node;
    }

    /** The same directory as one node's trail: its own segments, state and files (and those from before node ids). */
    public TrailLayout forNode(String nodeId) {
        return new TrailLayout(root, nodeId);
    }

    /**
     * The same directory as every node's trail, as a reader sees it (trail query, the console's trail search, restore's
     * cross-check): the files and open segments of each node that writes into it.
     */
    public TrailLayout everyNode() {
        return node == null ? this : new TrailLayout(root, null);
    }

    /** The node this layout is for, empty for a layout that sees every node's files. */
    public java.util.Optional<String> node() {
        return java.util.Optional.ofNullable(node);
    }

    /** The trail directory of a data directory. */
    public static TrailLayout ofDataDir(Path dataDir) {
        return new TrailLayout(dataDir.resolve("trail"));
    }

    public Path root() {
        return root;
    }

    /** This node's open segments (without a node: those of a trail from before node ids). */
    public Path segments() {
        return node == null ? root.resolve("segments") : nodeDir(node).resolve("segments");
    }

    private Path nodeDir(String n) {
        return root.resolve("nodes").resolve(n);
    }

    /**
     * Every directory of open segments this layout sees: the node's own, and the one from before node ids; for a
     * layout without a node, every node's as well.
     */
    public List<Path> segmentDirs() throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(root.resolve("segments"));
        if (node != null) {
            out.add(segments());
        } else if (Files.isDirectory(root.resolve("nodes"))) {
            try (Stream<Path> nodes = Files.list(root.resolve("nodes"))) {
                nodes.sorted().forEach(d -> out.add(d.resolve("segments")));
            }
        }
        return out;
    }

    /** The nodes that kept state or segments in this directory. */
    public List<String> nodeDirs() throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(root.resolve("nodes"))) return out;
        try (Stream<Path> nodes = Files.list(root.resolve("nodes"))) {
            nodes.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    /**
     * The nodes with log files, digests, segments or state in this directory that this layout sees (a trail from before
     * node ids is no node here).
     */
    public java.util.Set<String> nodesPresent() throws IOException {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String object : logFiles()) out.add(nodeOf(object));
        for (String object : digestFiles()) out.add(nodeOf(object));
        for (String n : nodeDirs()) {
            if (node == null || n.equals(node)) out.add(n);
        }
        out.remove("");
        return out;
    }

    public Path keys() {
        return root.resolve("keys");
    }

    /** This node's writer state (without a node: that of a trail from before node ids). */
    public Path state() {
        return node == null ? legacyState() : nodeDir(node).resolve("state.json");
    }

    /** The state of a trail from before node ids: the first node to start on it takes it over. */
    Path legacyState() {
        return root.resolve("state.json");
    }

    /** The writer state of {@code nodeId}'s trail, "" for the trail from before node ids. */
    Path state(String nodeId) {
        return nodeId.isEmpty() ? legacyState() : nodeDir(nodeId).resolve("state.json");
    }

    public Path resolve(String s3Object) {
        return root.resolve(s3Object);
    }

    /** {@code unique}: the node's id, a hyphen and a random string; the random string alone before node ids. */
    static String logObject(String account, String region, Instant time, String unique) {
        return "AWSLogs/" + account + "/CloudTrail/" + region + "/" + DAY.format(time) + "/" + account + "_CloudTrail_"
                + region + "_" + LOG_STAMP.format(time) + "_" + unique + ".json.gz";
    }

    /** {@code node}: null for a trail from before node ids. */
    static String digestObject(String account, String region, String trailName, Instant end, String node) {
        return "AWSLogs/" + account + "/CloudTrail-Digest/" + region + "/" + DAY.format(end) + "/" + account
                + "_CloudTrail-Digest_" + region + "_" + trailName + "_" + region + "_" + DIGEST_STAMP.format(end)
                + (node == null ? "" : "_" + node) + ".json.gz";
    }

    /**
     * The node that wrote a log or digest file, from its name; "" for a file from before node ids (or a name that is
     * not Rampart's).
     */
    public static String nodeOf(String object) {
        String name = object.substring(object.lastIndexOf('/') + 1);
        if (name.endsWith(".json.gz")) name = name.substring(0, name.length() - ".json.gz".length());
        String[] fields = name.split("_", -1);
        if (fields.length == 7 && fields[1].equals("CloudTrail-Digest")) return fields[6];
        if (fields.length == 5 && fields[1].equals("CloudTrail")) {
            int dash = fields[4].lastIndexOf('-');
            return dash > 0 ? fields[4].substring(0, dash) : "";
        }
        return "";
    }

    /** Whether this layout sees the file: every file without a node; only its node's and older ones with one. */
    boolean sees(String object) {
        if (node == null) return true;
        String n = nodeOf(object);
        return n.isEmpty() || n.equals(node);
    }

    /** Relative S3-style key of a file under the trail directory. */
    String objectOf(Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    /** The sealed log files this layout sees ({@code .../CloudTrail/...json.gz}), by relative key. */
    public List<String> logFiles() throws IOException {
        return files("/CloudTrail/");
    }

    /** The digest files this layout sees ({@code .../CloudTrail-Digest/...json.gz}), by relative key. */
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
                    .filter(this::sees)
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    /**
     * The deflate level of the trail's gzip files (log files and digests). Any level is valid gzip, as CloudTrail's
     * files are; the sealer compresses every record once, and the fastest level costs a fraction of the default's CPU
     * for somewhat larger files (figures in BENCHMARKS.md, "Trail sealer").
     */
    static final int GZIP_LEVEL = Deflater.BEST_SPEED;

    /** A gzip stream at {@link #GZIP_LEVEL}, with a buffer large enough that a log file takes few native calls. */
    static GZIPOutputStream gzipStream(OutputStream out) throws IOException {
        return new LeveledGzip(out);
    }

    private static final class LeveledGzip extends GZIPOutputStream {
        LeveledGzip(OutputStream out) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(GZIP_LEVEL);
        }
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length / 4 + 64);
        try (GZIPOutputStream gz = gzipStream(out)) {
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
        return HexFormat.of().formatHex(sha256().digest(content));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
