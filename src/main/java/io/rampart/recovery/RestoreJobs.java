package io.rampart.recovery;

import io.rampart.iam.Principal;
import io.rampart.s3.S3Exception;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores run in the background: started with an id to poll, each on its own virtual thread, with progress counters
 * while it runs and its summary or error once done. Jobs live in memory: a restart forgets them, and an interrupted
 * restore is simply run again (restores are idempotent). The most recent finished jobs are kept for polling.
 */
public final class RestoreJobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RestoreJobs.class);
    private static final int KEEP_FINISHED = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    public enum State {
        RUNNING,
        SUCCEEDED,
        FAILED
    }

    /** One background restore. Progress counters are updated as chunks of keys are done. */
    public static final class Job {
        private final String id;
        private final Restore.Request request;
        private final Instant started;
        private final Map<Restore.Action, AtomicLong> counts = new EnumMap<>(Restore.Action.class);
        private final AtomicLong keysDone = new AtomicLong();
        private volatile State state = State.RUNNING;
        private volatile Restore.Summary summary;
        private volatile String errorCode;
        private volatile String errorMessage;
        private volatile Instant finished;
        private Thread thread;

        Job(String id, Restore.Request request, Instant started) {
            this.id = id;
            this.request = request;
            this.started = started;
            for (Restore.Action a : Restore.Action.values()) counts.put(a, new AtomicLong());
        }

        public String id() {
            return id;
        }

        public Restore.Request request() {
            return request;
        }

        public Instant started() {
            return started;
        }

        public State state() {
            return state;
        }
        /** Keys with an action reported so far. */
        public long keysDone() {
            return keysDone.get();
        }

        public long count(Restore.Action a) {
            return counts.get(a).get();
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
    }

    private final Restore restore;
    private final Clock clock;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public RestoreJobs(Restore restore, Clock clock) {
        this.restore = restore;
        this.clock = clock;
    }

    /**
     * Starts a restore in the background. {@code listener} sees each chunk as {@link Restore#run} reports it (the
     * audit trail records the writes there); {@code onFinish} runs once the job succeeded or failed, on its thread.
     */
    public Job start(Restore.Request request, Principal writer, Restore.Listener listener, Consumer<Job> onFinish) {
        if (closed) throw new IllegalStateException("the server is stopping");
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        Job job = new Job("restore-" + HexFormat.of().formatHex(b), request, clock.instant());
        jobs.put(job.id, job);
        forgetOldJobs();
        synchronized (job) {
            job.thread = Thread.ofVirtual()
                    .name("rampart-restore-" + job.id)
                    .start(() -> run(job, writer, listener, onFinish));
        }
        return job;
    }

    private void run(Job job, Principal writer, Restore.Listener listener, Consumer<Job> onFinish) {
        try {
            job.summary = restore.run(job.request, writer, chunk -> {
                for (Restore.KeyResult k : chunk) job.counts.get(k.action()).incrementAndGet();
                job.keysDone.addAndGet(chunk.size());
                listener.results(chunk);
            });
            job.state = State.SUCCEEDED;
        } catch (S3Exception e) {
            job.errorCode = e.code().code();
            job.errorMessage = e.getMessage();
            job.state = State.FAILED;
        } catch (RuntimeException e) {
            log.error("restore job {} failed", job.id, e);
            job.errorCode = "InternalError";
            job.errorMessage = "restore failed: " + e;
            job.state = State.FAILED;
        } finally {
            job.finished = clock.instant();
        }
        try {
            onFinish.accept(job);
        } catch (RuntimeException e) {
            log.error("restore job {}: completion hook failed", job.id, e);
        }
    }

    public Optional<Job> job(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Every job still remembered, newest first. */
    public List<Job> jobs() {
        List<Job> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparing(Job::started).reversed());
        return all;
    }

    private void forgetOldJobs() {
        List<Job> done = jobs.values().stream()
                .filter(j -> j.state != State.RUNNING)
                .sorted(Comparator.comparing(Job::started))
                .toList();
        for (int i = 0; i < done.size() - KEEP_FINISHED; i++) jobs.remove(done.get(i).id);
    }

    /** Refuses new jobs and waits (up to a minute) for running ones, so none writes after the stores close. */
    @Override
    public void close() {
        closed = true;
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        for (Job j : jobs.values()) {
            Thread t;
            synchronized (j) {
                t = j.thread;
            }
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
}
