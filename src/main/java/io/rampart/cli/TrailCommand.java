package io.rampart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.audit.TrailAnchor;
import io.rampart.audit.TrailKeys;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.audit.TrailValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rampart trail}: validates and queries the audit trail straight from its files (the server may be stopped). */
@Command(
        name = "trail",
        mixinStandardHelpOptions = true,
        description = "Validate or query the CloudTrail-format audit trail in <data-dir>/trail.",
        subcommands = {TrailCommand.Validate.class, TrailCommand.Query.class, TrailCommand.PublicKeys.class})
final class TrailCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** ISO-8601 instant (2025-01-31T12:00:00Z) or a day (2025-01-31, its start, UTC). */
    static final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            if (value.length() == 10)
                return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
            return Instant.parse(value);
        }
    }

    /**
     * Where the trail's record is kept (every node's signing keys and newest digest): the data directory's
     * {@code rampart.db}, or the cluster's PostgreSQL given with {@code --metadata}.
     */
    static final class RecordedIn {
        @Option(
                names = "--data-dir",
                defaultValue = "./rampart-data",
                description = "Data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(
                names = "--metadata",
                paramLabel = "URL",
                defaultValue = "${env:RAMPART_METADATA}",
                description = "The servers' postgresql://USER[:PASSWORD]@HOST:PORT/DB, where a cluster records its "
                        + "keys and newest digests (default: rampart.db in --data-dir; env RAMPART_METADATA).")
        String metadata;

        @Option(
                names = "--metadata-password-file",
                paramLabel = "FILE",
                description = "File holding the PostgreSQL password for --metadata (first line).")
        Path metadataPasswordFile;

        private boolean postgres() {
            return metadata != null && !metadata.isBlank() && !metadata.equals("sqlite");
        }

        /** Every node's keys and heads; empty (after one line on stderr) when they cannot be read. */
        java.util.Optional<TrailAnchor.Recorded> read() {
            String where = dataDir.resolve("rampart.db").toString();
            try {
                if (!postgres()) return java.util.Optional.of(TrailAnchor.read(dataDir.resolve("rampart.db")));
                io.rampart.storage.MetadataLocation location = ServerCommand.metadataLocation(
                        metadata, metadataPasswordFile, System.getenv("RAMPART_METADATA_PASSWORD"));
                where = location.toString();
                try (io.rampart.storage.Database db = io.rampart.storage.Database.open(location, dataDir)) {
                    return java.util.Optional.of(TrailAnchor.read(db));
                }
            } catch (java.sql.SQLException | java.io.IOException | RuntimeException e) {
                System.err.println("rampart: cannot read the trail's record in " + where + ": " + e.getMessage());
                return java.util.Optional.empty();
            }
        }

        /** Where {@link #read} reads, for messages (never with a password). */
        String where() throws java.io.IOException {
            return postgres()
                    ? io.rampart.storage.MetadataLocation.parse(metadata).toString()
                    : dataDir.resolve("rampart.db").toString();
        }
    }

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Walk the digest chain: check each digest's signature with a trusted public key and each log file's hash.",
                "Trusted keys: those given with --public-key (a copy kept off the machine), else those the server",
                "recorded in its database; never a key file in the trail directory, unless the chain records its rotation.",
                "Reports, one line each: log files modified, deleted or out-of-chain (no digest lists them), digests",
                "invalid or missing, every hour of the range that no digest covers, a chain begun after a break, and",
                "truncation (the newest digest the database recorded is gone). Exit status 1 on any problem.",
                "A trail directory several nodes write into (or a copy of the bucket their files are delivered to) holds",
                "one digest chain per node: each is checked against that node's record, and reported per node."
            })
    static final class Validate implements Callable<Integer> {
        @CommandLine.Mixin
        RecordedIn recordedIn;

        @Option(
                names = "--trail-dir",
                paramLabel = "DIR",
                description = "The trail's files: a server's --trail-dir, or a copy of the delivery bucket "
                        + "(default: <data-dir>/trail).")
        Path trailDir;

        @Option(
                names = {"--start-time", "--from"},
                converter = TimeConverter.class,
                description = "Check from this time (ISO-8601 or YYYY-MM-DD; default: the oldest digest).")
        Instant from;

        @Option(
                names = {"--end-time", "--to"},
                converter = TimeConverter.class,
                description = "Check up to this time (default: now).")
        Instant to;

        @Option(
                names = "--public-key",
                paramLabel = "FILE",
                description = "Trust only the public key(s) in FILE (PEM, as printed at first start); repeatable.")
        List<Path> publicKeys = new java.util.ArrayList<>();

        @Option(names = "--verbose", description = "Also list every valid file.")
        boolean verbose;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            TrailLayout layout =
                    trailDir != null ? new TrailLayout(trailDir) : TrailLayout.ofDataDir(recordedIn.dataDir);
            if (!Files.isDirectory(layout.root())) {
                System.err.println("rampart: no audit trail in " + layout.root());
                return 2;
            }
            java.util.Optional<TrailAnchor.Recorded> read = recordedIn.read();
            if (read.isEmpty()) return 2;
            TrailAnchor.Recorded recorded = read.get();
            List<java.security.PublicKey> pinned = new java.util.ArrayList<>();
            for (Path p : publicKeys) {
                try {
                    pinned.addAll(TrailKeys.parsePublicKeys(Files.readAllBytes(p)));
                } catch (java.io.IOException e) {
                    System.err.println("rampart: --public-key " + p + ": " + e.getMessage());
                    return 2;
                }
            }
            if (pinned.isEmpty()
                    && recorded.keys().isEmpty()
                    && !layout.digestFiles().isEmpty()) {
                System.err.println(
                        "rampart: no trusted trail public key: give --public-key FILE, or --data-dir with the "
                                + "server's database (rampart.db), or the cluster's --metadata");
                return 2;
            }
            TrailValidator.Trust trust = pinned.isEmpty()
                    ? TrailValidator.Trust.recorded(recorded)
                    : TrailValidator.Trust.pinned(pinned, recorded);
            TrailValidator.Report report = new TrailValidator(layout, trust).validate(from, to);
            if (json) {
                ObjectNode doc = JsonNodeFactory.instance.objectNode();
                doc.put("valid", report.clean());
                doc.put("startTime", report.from().toString());
                doc.put("endTime", report.to().toString());
                ArrayNode results = doc.putArray("results");
                ArrayNode nodes = doc.putArray("nodes");
                for (String node : report.nodes()) {
                    List<TrailValidator.Result> mine = report.of(node);
                    ObjectNode n = nodes.addObject();
                    n.put("node", node);
                    n.put("valid", mine.stream().noneMatch(r -> r.status().problem()));
                    n.put(
                            "problems",
                            mine.stream().filter(r -> r.status().problem()).count());
                }
                for (TrailValidator.Result r : report.results()) {
                    ObjectNode n = results.addObject();
                    n.put("node", r.node());
                    n.put("type", r.kind());
                    n.put("file", r.file());
                    n.put("status", r.status().label());
                    n.put("detail", r.detail());
                }
                System.out.println(
                        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            } else {
                System.out.println("Results requested for " + report.from() + " to " + report.to()
                        + (pinned.isEmpty() ? " (keys recorded in the database)" : " (pinned public key(s))"));
                for (TrailValidator.Result r : report.results()) {
                    if (!verbose && !r.status().problem() && r.status() != TrailValidator.Status.STOPPED) continue;
                    System.out.println("[node " + nodeName(r.node()) + "] "
                            + r.status().label() + " " + r.kind() + " " + r.file() + ": " + r.detail());
                }
                for (String node : report.nodes()) {
                    List<TrailValidator.Result> mine = report.of(node);
                    long problems =
                            mine.stream().filter(r -> r.status().problem()).count();
                    System.out.println("node " + nodeName(node) + ": "
                            + count(mine, "digest", TrailValidator.Status.VALID) + "/"
                            + mine.stream()
                                    .filter(r -> r.kind().equals("digest") && r.status() != TrailValidator.Status.BREAK)
                                    .count()
                            + " digest files valid, " + count(mine, "log", TrailValidator.Status.VALID) + "/"
                            + mine.stream().filter(r -> r.kind().equals("log")).count() + " log files valid"
                            + (problems == 0 ? "" : ", " + problems + " problem(s)"));
                }
                long digests = report.results().stream()
                        .filter(r -> r.kind().equals("digest") && r.status() != TrailValidator.Status.BREAK)
                        .count();
                long logs = report.results().stream()
                        .filter(r -> r.kind().equals("log"))
                        .count();
                System.out.println(
                        report.count("digest", TrailValidator.Status.VALID) + "/" + digests + " digest files valid");
                System.out.println(report.count("log", TrailValidator.Status.VALID) + "/" + logs + " log files valid");
                System.out.println(
                        report.clean()
                                ? "Trail valid: " + digests + " digest file(s), " + logs + " log file(s) checked."
                                : "Trail INVALID: "
                                        + report.results().stream()
                                                .filter(r -> r.status().problem())
                                                .count() + " problem(s) among " + digests + " digest file(s) and "
                                        + logs + " log file(s).");
            }
            return report.clean() ? 0 : 1;
        }

        private static String nodeName(String node) {
            return node.isEmpty() ? "(before node ids)" : node;
        }

        private static long count(List<TrailValidator.Result> results, String kind, TrailValidator.Status status) {
            return results.stream()
                    .filter(r -> r.kind().equals(kind) && r.status() == status)
                    .count();
        }
    }

    @Command(
            name = "public-key",
            mixinStandardHelpOptions = true,
            description = {
                "Print the trail's signing public keys (PEM) from the server's database, to keep a copy off the machine",
                "for 'trail validate --public-key': every node's, node by node, each node's current key last."
            })
    static final class PublicKeys implements Callable<Integer> {
        @CommandLine.Mixin
        RecordedIn recordedIn;

        @Override
        public Integer call() throws Exception {
            java.util.Optional<TrailAnchor.Recorded> read = recordedIn.read();
            if (read.isEmpty()) return 2;
            TrailAnchor.Recorded recorded = read.get();
            if (recorded.keys().isEmpty()) {
                System.err.println("rampart: no trail signing key recorded in " + recordedIn.where());
                return 2;
            }
            // Keys come oldest first; grouped by node (stable), each node's current key stays last.
            List<TrailAnchor.KeyRecord> byNode = recorded.keys().stream()
                    .sorted(java.util.Comparator.comparing(TrailAnchor.KeyRecord::node))
                    .toList();
            for (TrailAnchor.KeyRecord k : byNode) {
                System.out.println("# fingerprint " + k.fingerprint() + ", node "
                        + (k.node().isEmpty() ? "(before node ids)" : k.node()) + ", "
                        + k.status().name().toLowerCase(java.util.Locale.ROOT)
                        + (k.validTo() == null ? "" : ", signed until " + k.validTo()));
                System.out.print(TrailKeys.pem(k.publicKey()));
            }
            return 0;
        }
    }

    @Command(
            name = "query",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Print the trail's records matching every filter: a table, or one JSON record per line (--json).",
                "Every node's records in the directory, merged in event time order."
            })
    static final class Query implements Callable<Integer> {
        @Option(
                names = "--data-dir",
                defaultValue = "./rampart-data",
                description = "Data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(
                names = "--trail-dir",
                paramLabel = "DIR",
                description = "The trail's files: a server's --trail-dir, or a copy of the delivery bucket "
                        + "(default: <data-dir>/trail).")
        Path trailDir;

        @Option(
                names = "--from",
                converter = TimeConverter.class,
                description = "Events at or after this time (ISO-8601 or YYYY-MM-DD).")
        Instant from;

        @Option(names = "--to", converter = TimeConverter.class, description = "Events at or before this time.")
        Instant to;

        @Option(names = "--principal", description = "userIdentity ARN, user name or principal id.")
        String principal;

        @Option(names = "--access-key", description = "Access key id.")
        String accessKey;

        @Option(names = "--event-name", description = "e.g. PutObject, CopyObject, PutBucketLifecycleConfiguration.")
        String eventName;

        @Option(names = "--bucket", description = "requestParameters.bucketName.")
        String bucket;

        @Option(names = "--error-code", description = "e.g. AccessDenied, SignatureDoesNotMatch.")
        String errorCode;

        @Option(
                names = "--account",
                description = "12-digit account id: records it received (recipientAccountId) or its principals made.")
        String account;

        @Option(names = "--json", description = "One CloudTrail JSON record per line.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            TrailLayout layout = trailDir != null ? new TrailLayout(trailDir) : TrailLayout.ofDataDir(dataDir);
            if (!Files.isDirectory(layout.root())) {
                System.err.println("rampart: no audit trail in " + layout.root());
                return 2;
            }
            List<JsonNode> records =
                    new TrailQuery(from, to, principal, accessKey, eventName, bucket, errorCode, account).run(layout);
            ObjectMapper mapper = new ObjectMapper();
            if (json) {
                for (JsonNode r : records) System.out.println(mapper.writeValueAsString(r));
                return 0;
            }
            System.out.printf(
                    "%-20s %-28s %-22s %-36s %-15s %-22s %s%n",
                    "TIME", "EVENT", "ACCESS KEY", "PRINCIPAL", "SOURCE IP", "ERROR", "RESOURCE");
            for (JsonNode r : records) {
                JsonNode id = r.path("userIdentity");
                String who = id.hasNonNull("userName")
                        ? id.path("userName").asText()
                        : id.hasNonNull("arn")
                                ? id.path("arn").asText()
                                : id.hasNonNull("invokedBy")
                                        ? id.path("invokedBy").asText()
                                        : id.path("accountId").asText();
                JsonNode p = r.path("requestParameters");
                String resource = p.path("bucketName").asText("")
                        + (p.hasNonNull("key") ? "/" + p.path("key").asText() : "");
                System.out.printf(
                        "%-20s %-28s %-22s %-36s %-15s %-22s %s%n",
                        r.path("eventTime").asText(),
                        r.path("eventName").asText(),
                        id.path("accessKeyId").asText("-"),
                        who,
                        r.path("sourceIPAddress").asText(),
                        r.path("errorCode").asText("-"),
                        resource);
            }
            System.out.println(records.size() + " record(s)");
            return 0;
        }
    }
}
