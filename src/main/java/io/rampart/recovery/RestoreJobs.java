package io.rampart.recovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.iam.Principal;
import io.rampart.s3.PeriodicWorker;
import io.rampart.s3.S3Exception;
import io.rampart.storage.Database;
import io.rampart.storage.DurableQueue;
import io.rampart.storage.NodeId;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores run in the background: started with an id to poll, each on its own virtual thread, with progress counters
 * while it runs and its summary or error once done. Jobs live in the metadata database ({@code restore_jobs}), so any
 * node serving it answers a job's status, and a job is never lost with the process running it: its row is a
 * {@link DurableQueue} row claimed by the node that runs it and renewed while it runs (at each chunk of keys and by
 * this node's worker pass); once the claim lapses (the node died) a surviving node claims it and runs it again, and a
 * restarted node takes up at once the jobs its previous run held. Running a restore again is safe: {@link Restore}
 * is idempotent (a key whose latest version already has the target's content is ALREADY_CURRENT, a key already
 * absent stays so, and a deleted key brought back no longer looks deleted), so the second run finishes the job without
 * adding versions for keys the first run did; its counters are those of the run that finished it. The most recent
 * finished jobs are kept for polling.
 */
public final class RestoreJobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RestoreJobs.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "restore_jobs";
    private static final int KEEP_FINISHED = 100;
    /** A job its nodes keep dying on (or being stopped in) is given up after this many runs. */
    static final int MAX_RUNS = 10;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, job_id, request, writer, origin, state, keys_done, counts, summary,"
            + " error_code, error_message, started, finished, node";

    public enum State {
        RUNNING,
        SUCCEEDED,
        FAILED
    }

    /** One background restore as the table holds it: progress counters are written as chunks of keys are done. */
    public static final class Job {
        private final String id;
        private final Restore.Request request;
        private final Principal writer;
        private final String origin;
        private final Instant started;
        private final Map<Restore.Action, Long> counts;
        private final long keysDone;
        private final State state;
        private final Restore.Summary summary;
        private final String errorCode;
        private final String errorMessage;
        private final Instant finished;
        private final String node;

        Job(
                String id,
                Restore.Request request,
                Principal writer,
                String origin,
                Instant started,
                Map<Restore.Action, Long> counts,
                long keysDone,
                State state,
                Restore.Summary summary,
                String errorCode,
                String errorMessage,
                Instant finished,
                String node) {
            this.id = id;
            this.request = request;
            this.writer = writer;
            this.origin = origin;
            this.started = started;
            this.counts = counts;
            this.keysDone = keysDone;
            this.state = state;
            this.summary = summary;
            this.errorCode = errorCode;
            this.errorMessage = errorMessage;
            this.finished = finished;
            this.node = node;
        }

        public String id() {
            return id;
        }

        public Restore.Request request() {
            return request;
        }

        /** Who the restore's new versions name as their writer (the admin who started it). */
        public Principal writer() {
            return writer;
        }

        /** What the starter kept with the job to record its writes in the trail when another run takes it up. */
        public Optional<String> origin() {
            return Optional.ofNullable(origin);
        }

        public Instant started() {
            return started;
        }

        public State state() {
            return state;
        }

        /** Keys with an action reported so far. */
        public long keysDone() {
            return keysDone;
        }

        public long count(Restore.Action a) {
            return counts.getOrDefault(a, 0L);
        }

        public Optional<Restore.Summary> summary() {
            return Optional.ofNullable(summary);
        }

        /** The S3 error code of a failed job (e.g. NoSuchBucket, InternalError). */
        public Optional<String> errorCode() {
            return Optional.ofNullable(errorCode);
        }

        public Optional<String> errorMessage() {
            return Optional.ofNullable(errorMessage);
        }

        public Optional<Instant> finished() {
            return Optional.ofNullable(finished);
        }

        /** The node (its {@link NodeId}) that runs or ran the job. */
        public String node() {
            return node;
        }
    }

    /**
     * What a run of a job does besides restoring: {@code listener} sees each chunk as {@link Restore#run} reports it
     * (the audit trail records the writes there); {@code onFinish} runs once the job succeeded or failed.
     */
    public record Hooks(Restore.Listener listener, Consumer<Job> onFinish) {}

    /** A run of a job on this node. */
    private static final class Run {
        final long row;
        volatile Thread thread;
        /** This node must stop running it: closing (hand it back) or the claim is lost (another node has it). */
        volatile boolean stop;

        volatile boolean lost;

        Run(long row) {
            this.row = row;
        }
    }

    /** Thrown from a chunk's listener to end a run that must stop. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("restore job stopped", null, false, false);
        }
    }

    private final Restore restore;
    private final Database db;
    private final DurableQueue rows;
    private final String node;
    private final String run;
    private final Clock clock;
    private final Duration claim;
    private final PeriodicWorker worker;
    private final Map<Long, Run> running = new ConcurrentHashMap<>();
    private volatile Function<Job, Hooks> resumed = job -> new Hooks(chunk -> {}, done -> {});
    private volatile boolean closed;

    /**
     * {@code node}: this node's lasting id (the job's owner); {@code run}: this run's name in claims
     * ({@link io.rampart.storage.Leases#runName}); {@code claim}: how long a claim outlives its last renewal (a dead
     * node's job is taken over that long after it died; renewed every third of it).
     */
    public RestoreJobs(Restore restore, Database db, NodeId node, String run, Clock clock, Duration claim) {
        this.restore = restore;
        this.db = db;
        this.rows = new DurableQueue(db, TABLE, run, claim);
        this.node = node.value();
        this.run = run;
        this.clock = clock;
        this.claim = claim;
        this.worker =
                PeriodicWorker.adaptive("rampart-restore-jobs", "restore jobs pass", claim.dividedBy(3), this::pass);
        // The jobs this node's previous run held (it stopped or crashed) are due at once, not when their claim lapses.
        worker.onAcquire(this::releasePreviousRun);
    }

    /** How a job taken up again (after a restart or from a dead node) records its progress: set before {@link #start}. */
    public void resumeWith(Function<Job, Hooks> hooks) {
        this.resumed = hooks;
    }

    /** Starts the worker that renews this node's claims and takes up jobs whose claim lapsed. */
    public void start() {
        worker.start();
    }

    /** A new job id. */
    public static String newId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "restore-" + HexFormat.of().formatHex(b);
    }

    /**
     * Starts a restore in the background on this node, recorded first (so that it is polled through any node and run
     * again if this node dies). {@code id}: from {@link #newId}; {@code origin}: kept with the job for
     * {@link #resumeWith} (no secrets); {@code hooks}: this run's.
     */
    public Job start(String id, Restore.Request request, Principal writer, String origin, Hooks hooks) {
        if (closed) throw new IllegalStateException("the server is stopping");
        long now = clock.millis();
        long row = db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                    + "(job_id, request, writer, origin, state, started, node, next_attempt, claimed_by)"
                    + " VALUES(?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, id);
                ps.setString(2, requestJson(request));
                ps.setString(3, principalJson(writer));
                ps.setString(4, origin);
                ps.setString(5, State.RUNNING.name());
                ps.setLong(6, now);
                ps.setString(7, node);
                ps.setLong(8, now + claim.toMillis());
                ps.setString(9, run);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + TABLE + " WHERE job_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        Job job = job(id).orElseThrow(() -> new IllegalStateException("restore job " + id + " not recorded"));
        launch(row, job, hooks);
        return job;
    }

    private void launch(long row, Job job, Hooks hooks) {
        Run r = new Run(row);
        running.put(row, r);
        Thread t = Thread.ofVirtual().name("rampart-restore-" + job.id()).unstarted(() -> {
            try {
                execute(r, job, hooks);
            } finally {
                running.remove(row);
            }
        });
        r.thread = t;
        t.start();
    }

    private void execute(Run r, Job job, Hooks hooks) {
        Map<Restore.Action, Long> counts = new EnumMap<>(Restore.Action.class);
        long[] keysDone = {0};
        State state;
        Restore.Summary summary = null;
        String errorCode = null;
        String errorMessage = null;
        try {
            summary = restore.run(job.request(), job.writer(), chunk -> {
                // The chunk's writes are made: they reach the trail whatever happens next.
                for (Restore.KeyResult k : chunk) counts.merge(k.action(), 1L, Long::sum);
                keysDone[0] += chunk.size();
                hooks.listener().results(chunk);
                // Progress at most once per chunk; it renews the claim too.
                if (!progress(r.row, keysDone[0], counts)) {
                    r.lost = true;
                    r.stop = true;
                }
                if (r.stop) throw new Stopped();
            });
            state = State.SUCCEEDED;
        } catch (Stopped e) {
            handBack(r, job);
            return;
        } catch (S3Exception e) {
            errorCode = e.code().code();
            errorMessage = e.getMessage();
            state = State.FAILED;
        } catch (RuntimeException e) {
            if (r.stop) {
                handBack(r, job);
                return;
            }
            log.error("restore job {} failed", job.id(), e);
            errorCode = "InternalError";
            errorMessage = "restore failed: " + e;
            state = State.FAILED;
        }
        Optional<Job> done = finish(r.row, job.id(), state, keysDone[0], counts, summary, errorCode, errorMessage);
        if (done.isEmpty()) {
            log.warn("restore job {}: another node took it over before it finished here", job.id());
            return;
        }
        try {
            hooks.onFinish().accept(done.get());
        } catch (RuntimeException e) {
            log.error("restore job {}: completion hook failed", job.id(), e);
        }
    }

    /** A run that stopped before the end: due again at once (for another node, or this one after its restart). */
    private void handBack(Run r, Job job) {
        if (r.lost) {
            log.warn("restore job {}: its claim lapsed and another node took it over", job.id());
            return;
        }
        try {
            rows.defer(r.row, clock.millis());
            log.info("restore job {} stopped with the server: it runs again on the next node to take it", job.id());
        } catch (RuntimeException e) {
            log.warn(
                    "restore job {}: could not hand it back ({}); its claim lapses on its own", job.id(), e.toString());
        }
    }

    /** Writes a chunk's progress and renews the claim; false when the claim is no longer this run's. */
    private boolean progress(long row, long keysDone, Map<Restore.Action, Long> counts) {
        String countsJson = countsJson(counts);
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE
                    + " SET keys_done = ?, counts = ?, next_attempt = ? WHERE id = ? AND claimed_by = ?"
                    + " AND next_attempt IS NOT NULL")) {
                ps.setLong(1, keysDone);
                ps.setString(2, countsJson);
                ps.setLong(3, clock.millis() + claim.toMillis());
                ps.setLong(4, row);
                ps.setString(5, run);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Records the outcome (while this run holds the claim) and forgets the oldest finished jobs beyond those kept. */
    private Optional<Job> finish(
            long row,
            String id,
            State state,
            long keysDone,
            Map<Restore.Action, Long> counts,
            Restore.Summary summary,
            String errorCode,
            String errorMessage) {
        String countsJson = countsJson(counts);
        String summaryJson = summary == null ? null : summaryJson(summary);
        boolean mine = db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET state = ?, keys_done = ?,"
                    + " counts = ?, summary = ?, error_code = ?, error_message = ?, finished = ?,"
                    + " next_attempt = NULL, claimed_by = NULL WHERE id = ? AND claimed_by = ?"
                    + " AND next_attempt IS NOT NULL")) {
                ps.setString(1, state.name());
                ps.setLong(2, keysDone);
                ps.setString(3, countsJson);
                ps.setString(4, summaryJson);
                ps.setString(5, errorCode);
                ps.setString(6, errorMessage);
                ps.setLong(7, clock.millis());
                ps.setLong(8, row);
                ps.setString(9, run);
                if (ps.executeUpdate() != 1) return false;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE
                    + " WHERE finished IS NOT NULL AND id NOT IN (SELECT id FROM " + TABLE
                    + " WHERE finished IS NOT NULL ORDER BY id DESC LIMIT ?)")) {
                ps.setInt(1, KEEP_FINISHED);
                ps.executeUpdate();
            }
            return true;
        });
        return mine ? job(id) : Optional.empty();
    }

    /** The job, from the table (whichever node runs or ran it). */
    public Optional<Job> job(String id) {
        List<Job> found = select(" WHERE job_id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** Every job still kept, newest first. */
    public List<Job> jobs() {
        return select(" ORDER BY started DESC, id DESC", null);
    }

    private List<Job> select(String where, String arg) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + TABLE + where)) {
                if (arg != null) ps.setString(1, arg);
                List<Job> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(job(rs));
                }
                return out;
            }
        });
    }

    private static Job job(ResultSet rs) throws SQLException {
        long finished = rs.getLong(13);
        boolean unfinished = rs.wasNull();
        return new Job(
                rs.getString(2),
                request(rs.getString(3)),
                principal(rs.getString(4)),
                rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(12)),
                counts(rs.getString(8)),
                rs.getLong(7),
                State.valueOf(rs.getString(6)),
                rs.getString(9) == null ? null : summary(rs.getString(9)),
                rs.getString(10),
                rs.getString(11),
                unfinished ? null : Instant.ofEpochMilli(finished),
                rs.getString(14));
    }

    // ---- the worker: claims renewed, lapsed jobs taken up ----

    private Duration pass() {
        long now = clock.millis();
        for (Run r : running.values()) {
            if (!r.stop && !rows.renew(r.row, now)) {
                // Its claim lapsed (this node stalled for longer than a claim) and another node runs it now.
                r.lost = true;
                r.stop = true;
            }
        }
        for (long row : due(now)) {
            if (closed || worker.closed()) break;
            if (rows.claim(row, clock.millis())) takeUp(row);
        }
        long wait = claim.toMillis() / 3;
        long next = rows.nextAttempt().orElse(Long.MAX_VALUE);
        return Duration.ofMillis(Math.max(10, Math.min(wait, next - clock.millis())));
    }

    private List<Long> due(long now) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM " + TABLE + " WHERE next_attempt <= ? AND " + DurableQueue.LIVE + " ORDER BY id")) {
                ps.setLong(1, now);
                List<Long> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getLong(1));
                }
                return out;
            }
        });
    }

    /** A job this run just claimed: owned by this node now, counted as a run, and started again from the start. */
    private void takeUp(long row) {
        int runs = db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET node = ?, attempts = attempts + 1,"
                    + " keys_done = 0, counts = '{}' WHERE id = ? AND claimed_by = ?")) {
                ps.setString(1, node);
                ps.setLong(2, row);
                ps.setString(3, run);
                if (ps.executeUpdate() != 1) return -1;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT attempts FROM " + TABLE + " WHERE id = ?")) {
                ps.setLong(1, row);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : -1;
                }
            }
        });
        if (runs < 0) return;
        List<Job> found = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id = ?")) {
                ps.setLong(1, row);
                List<Job> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(job(rs));
                }
                return out;
            }
        });
        if (found.isEmpty()) return;
        Job job = found.getFirst();
        if (runs >= MAX_RUNS) {
            log.error("restore job {} was interrupted {} times: given up", job.id(), runs);
            finish(
                            row,
                            job.id(),
                            State.FAILED,
                            0,
                            Map.of(),
                            null,
                            "InternalError",
                            "restore interrupted " + runs + " times: run it again")
                    .ifPresent(done -> resumed.apply(done).onFinish().accept(done));
            return;
        }
        log.info("restore job {} taken up again on node {} (run {})", job.id(), node, runs + 1);
        launch(row, job, resumed.apply(job));
    }

    /** Makes the jobs this node's previous runs held due now. */
    private void releasePreviousRun() {
        int n = db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE
                    + " SET next_attempt = ?, claimed_by = NULL WHERE node = ? AND claimed_by <> ?"
                    + " AND next_attempt IS NOT NULL AND " + DurableQueue.LIVE)) {
                ps.setLong(1, clock.millis());
                ps.setString(2, node);
                ps.setString(3, run);
                return ps.executeUpdate();
            }
        });
        if (n > 0) log.info("{} restore job(s) interrupted when this node last stopped: running them again", n);
    }

    /**
     * The server is stopping: stops the worker (no job is claimed here any more) and asks the jobs running here to stop
     * at their next chunk and be handed back, without waiting for them or for the HTTP server's drain of in-flight
     * requests (which can last the whole stop timeout). {@link #close} then waits for them.
     */
    public void stopRunning() {
        worker.close();
        for (Run r : running.values()) r.stop = true;
    }

    /**
     * Refuses new jobs, stops the worker, and asks the jobs running here to stop at their next chunk, waiting (up to a
     * minute) for them, so none writes after the stores close: each is handed back, due at once, for another node or
     * this one's next start to run again.
     */
    @Override
    public void close() {
        closed = true;
        stopRunning();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        for (Run r : running.values()) {
            Thread t = r.thread;
            if (t == null) continue;
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- the row's JSON columns (no secrets: a request names buckets, times and identities; a writer, ids) ----

    static String requestJson(Restore.Request r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("bucket", r.bucket());
        n.put("prefix", r.prefix());
        n.put("removeNew", r.removeNew());
        n.put("apply", r.apply());
        switch (r.mode()) {
            case Restore.ToTime t -> n.put("mode", "to").put("time", t.time().toString());
            case Restore.Deleted d ->
                n.put("mode", "deleted").put("since", d.since().toString());
            case Restore.Undo u -> {
                n.put("mode", "undo").put("since", u.since().toString());
                if (u.principalArn() != null) n.put("principalArn", u.principalArn());
                if (u.accessKeyId() != null) n.put("accessKeyId", u.accessKeyId());
            }
        }
        return n.toString();
    }

    static Restore.Request request(String json) {
        JsonNode n = tree(json);
        Restore.Mode mode = switch (n.path("mode").asText()) {
            case "to" -> new Restore.ToTime(Instant.parse(n.path("time").asText()));
            case "deleted" -> new Restore.Deleted(Instant.parse(n.path("since").asText()));
            case "undo" ->
                new Restore.Undo(
                        text(n, "principalArn"),
                        text(n, "accessKeyId"),
                        Instant.parse(n.path("since").asText()));
            default -> throw new IllegalStateException("restore job with unknown mode: " + json);
        };
        return new Restore.Request(
                n.path("bucket").asText(),
                n.path("prefix").asText(""),
                mode,
                n.path("removeNew").asBoolean(),
                n.path("apply").asBoolean());
    }

    static String principalJson(Principal p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", p.type());
        n.put("accountId", p.accountId());
        n.put("arn", p.arn());
        n.put("principalId", p.principalId());
        n.put("userName", p.userName());
        n.put("accessKeyId", p.accessKeyId());
        p.sessionTokenIssued().ifPresent(t -> n.put("sessionTokenIssued", t));
        n.put("mfaAuthenticated", p.mfaAuthenticated());
        ObjectNode tags = n.putObject("tags");
        p.tags().forEach(tags::put);
        return n.toString();
    }

    static Principal principal(String json) {
        JsonNode n = tree(json);
        Map<String, String> tags = new LinkedHashMap<>();
        n.path("tags")
                .properties()
                .forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
        return new Principal(
                n.path("type").asText(),
                n.path("accountId").asText(),
                n.path("arn").asText(),
                n.path("principalId").asText(),
                n.path("userName").asText(),
                n.path("accessKeyId").asText(),
                n.has("sessionTokenIssued")
                        ? Optional.of(n.path("sessionTokenIssued").asLong())
                        : Optional.empty(),
                n.path("mfaAuthenticated").asBoolean(),
                tags);
    }

    private static String countsJson(Map<Restore.Action, Long> counts) {
        ObjectNode n = JSON.createObjectNode();
        counts.forEach((a, v) -> n.put(a.name(), v));
        return n.toString();
    }

    private static Map<Restore.Action, Long> counts(String json) {
        Map<Restore.Action, Long> out = new EnumMap<>(Restore.Action.class);
        tree(json)
                .properties()
                .forEach(e ->
                        out.put(Restore.Action.valueOf(e.getKey()), e.getValue().asLong()));
        return out;
    }

    private static String summaryJson(Restore.Summary s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("bucket", s.bucket());
        n.put("prefix", s.prefix());
        n.put("applied", s.applied());
        n.put("keysScanned", s.keysScanned());
        n.put("keysPlanned", s.keysPlanned());
        n.put("millis", s.millis());
        n.set("counts", tree(countsJson(s.counts())));
        return n.toString();
    }

    private static Restore.Summary summary(String json) {
        JsonNode n = tree(json);
        return new Restore.Summary(
                n.path("bucket").asText(),
                n.path("prefix").asText(),
                n.path("applied").asBoolean(),
                n.path("keysScanned").asLong(),
                n.path("keysPlanned").asLong(),
                counts(n.path("counts").toString()),
                n.path("millis").asLong());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("restore_jobs holds JSON that does not parse", e);
        }
    }
}
