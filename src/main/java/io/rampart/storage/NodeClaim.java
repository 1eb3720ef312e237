package io.rampart.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's claim on its node id across the cluster, so that two live processes never run with one id (two data
 * directories copied, or the same {@code --node-id} twice): their trail chains would interleave. The claim is the
 * lease {@code node-id:<id>} of {@link Leases}, held for {@link #LENGTH} and renewed every third of it while the
 * process lives (the server's worker loop calls {@link #renew}), given up on a clean stop.
 *
 * <p>At start-up a lease another process holds is watched: renewed meanwhile, its holder lives and the start is
 * refused, naming the id and the holder; left to expire, its holder is gone and the id is taken (a node restarted
 * from another data directory or host starts after at most one {@link #LENGTH}). A node restarted on the same data
 * directory of the same machine takes its previous run's claim at once: each run holds an exclusive lock on
 * {@code <data-dir>/node.lock} for its life and records where it runs as its "place" (the kernel's boot id and the
 * lock file's device and inode); a new run that gets the lock on that very file in the same boot knows the recorded
 * holder has ended, since the kernel drops a lock only with its process. A copied data directory (another inode),
 * another machine or container with its own volume (another boot or inode), or a system without a boot id or file key
 * never matches, and waits for the claim to expire instead.
 */
public final class NodeClaim implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeClaim.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long a claim lasts unrenewed: a crashed node's id is free again this long after its last renewal. */
    public static final Duration LENGTH = Duration.ofSeconds(15);

    /** The lock file in the data directory, held for the life of the process that claimed the id. */
    static final String LOCK_FILE = "node.lock";

    private static final Duration POLL = Duration.ofMillis(250);

    private final NodeId id;
    private final Leases leases;
    private final Duration length;
    private final FileChannel lockFile;

    private NodeClaim(NodeId id, Leases leases, Duration length, FileChannel lockFile) {
        this.id = id;
        this.leases = leases;
        this.length = length;
        this.lockFile = lockFile;
    }

    /** The lease that claims {@code id}. */
    public static String leaseName(NodeId id) {
        return "node-id:" + id.value();
    }

    /**
     * Claims {@code id} for this process (run {@code run}, the process's name in leases), waiting at most about
     * {@code length} for another holder's claim to expire.
     *
     * @throws IllegalStateException when another live process holds the id (the message names both)
     */
    public static NodeClaim take(Database db, NodeId id, Path dataDir, String run, Duration length, Clock clock)
            throws IOException, InterruptedException {
        Path dir = dataDir.toAbsolutePath().normalize();
        FileChannel channel = FileChannel.open(
                dir.resolve(LOCK_FILE), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), OwnerOnly.file());
        boolean done = false;
        try {
            String place = lockedPlace(channel, dir.resolve(LOCK_FILE)).orElse(null);
            ObjectNode me = JSON.createObjectNode()
                    .put("run", run)
                    .put("pid", ProcessHandle.current().pid())
                    .put("host", hostName())
                    .put("dataDir", dir.toString())
                    .put("place", place);
            Leases leases = new Leases(db, JSON.writeValueAsString(me), clock);
            String name = leaseName(id);
            Leases.Held first = null;
            long firstSeen = 0;
            while (true) {
                long now = clock.millis();
                Optional<Leases.Held> held = leases.held(name);
                if (held.isEmpty() || held.get().expires() <= now) {
                    if (leases.hold(name, length)) break;
                    continue;
                }
                Leases.Held other = held.get();
                JsonNode holder = parse(other.holder());
                if (place != null && place.equals(holder.path("place").asText(null))) {
                    // We hold the lock file that holder held for its life, in the same boot: it has ended.
                    if (leases.takeOver(name, length, other)) {
                        log.info(
                                "node id {}: took over at once the claim of this data directory's previous run ({}),"
                                        + " which has ended",
                                id,
                                describe(holder, other.holder()));
                        break;
                    }
                    continue;
                }
                if (first == null) {
                    first = other;
                    firstSeen = now;
                    log.warn(
                            "node id {} is claimed by {} until {}; waiting up to {} s for that claim to expire (a live"
                                    + " process renews it every {} s)",
                            id,
                            describe(holder, other.holder()),
                            Instant.ofEpochMilli(other.expires()),
                            length.toSeconds(),
                            length.dividedBy(3).toSeconds());
                } else if (!first.equals(other) || now > firstSeen + length.toMillis() + POLL.toMillis() * 4) {
                    // Renewed (or taken by yet another process) while we watched: it lives. Or neither renewed nor
                    // expired within a whole claim's length: its clock runs ahead of ours; refuse rather than wait.
                    throw new IllegalStateException("node id '" + id + "' is in use by another live process: "
                            + describe(holder, other.holder())
                            + (first.equals(other) ? " (its claim outlasts its length by this machine's clock)" : "")
                            + ". Two processes must not share a node id: their trail chains would interleave. Give this"
                            + " process its own --node-id (or its own data directory), or stop the other one first;"
                            + " a process that died frees its id "
                            + length.toSeconds() + " s after its last renewal.");
                }
                Thread.sleep(POLL.toMillis());
            }
            done = true;
            return new NodeClaim(id, leases, length, channel);
        } finally {
            if (!done) channel.close();
        }
    }

    /** Renews the claim; a claim lost meanwhile (this process stalled past its length and another took the id) is logged. */
    public void renew() {
        if (leases.acquire(leaseName(id), length) == Leases.Hold.REFUSED) {
            String other = leases.held(leaseName(id)).map(Leases.Held::holder).orElse("?");
            log.error(
                    "node id {}: this process's claim lapsed and another process holds the id now ({}): both write "
                            + "trail files and digests as node {}, and validation will report the chains broken. Stop "
                            + "one of them.",
                    id,
                    describe(parse(other), other),
                    id);
        }
    }

    /** Gives the claim up (after the node's final trail digest) and the data directory's lock. */
    @Override
    public void close() {
        try {
            leases.release(leaseName(id));
        } catch (RuntimeException e) {
            log.warn("could not give up the claim on node id {}: {} (it expires on its own)", id, e.toString());
        }
        try {
            lockFile.close();
        } catch (IOException e) {
            log.warn("could not close {}: {}", LOCK_FILE, e.toString());
        }
    }

    /**
     * Where this process runs, once it holds the data directory's lock: the boot id and the lock file's identity;
     * empty when the lock is held by another process (or another claim in this JVM), or the system tells neither.
     */
    private static Optional<String> lockedPlace(FileChannel channel, Path file) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return Optional.empty();
        }
        if (lock == null) return Optional.empty();
        Path bootId = Path.of("/proc/sys/kernel/random/boot_id");
        Object fileKey = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class)
                .fileKey();
        if (fileKey == null || !Files.isReadable(bootId)) return Optional.empty();
        return Optional.of(Files.readString(bootId, StandardCharsets.UTF_8).strip() + " " + fileKey);
    }

    private static JsonNode parse(String holder) {
        try {
            return JSON.readTree(holder);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** A holder for people: its process, host and data directory (or the lease's raw holder, from elsewhere). */
    static String describe(JsonNode holder, String raw) {
        if (!holder.has("pid")) return "'" + raw + "'";
        return "pid " + holder.path("pid").asLong() + " on host "
                + holder.path("host").asText("?") + ", data dir "
                + holder.path("dataDir").asText("?");
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
