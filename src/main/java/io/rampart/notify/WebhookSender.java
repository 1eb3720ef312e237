package io.rampart.notify;

import io.rampart.s3.PeriodicWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued event messages to their webhooks, oldest first, one POST per message. A target that fails (not
 * 2xx, or unreachable) is retried with exponential back-off, and its later messages wait behind the failed one, so each
 * target sees its events in order; other targets are not held up. Messages are never dropped. Runs on one
 * {@link PeriodicWorker}; on several nodes, under a lease (one node delivers) and claiming each message before it is
 * sent, so no message is posted by two nodes.
 */
public final class WebhookSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final int BATCH = 200;

    private final EventQueue queue;
    private final Map<String, URI> targets;
    private final Clock clock;
    private final Duration retryBase;
    private final Duration maxDelay;
    /** Created on the first delivery: building an HttpClient initialises TLS, which need not delay start-up. */
    private volatile @Nullable HttpClient http;

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Set<String> warnedUnknown = new HashSet<>();
    private final PeriodicWorker worker;

    private HttpClient http() {
        HttpClient h = http;
        if (h == null) {
            synchronized (this) {
                h = http;
                if (h == null) {
                    http = h = HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(5))
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build();
                }
            }
        }
        return h;
    }

    public WebhookSender(
            EventQueue queue, Map<String, URI> targets, Clock clock, Duration retryBase, Duration maxDelay) {
        this.queue = queue;
        this.targets = Map.copyOf(targets);
        this.clock = clock;
        this.retryBase = retryBase;
        this.maxDelay = maxDelay;
        this.worker = PeriodicWorker.adaptive(
                "rampart-notify",
                "event notification delivery pass",
                Duration.ofMinutes(1),
                () -> Duration.ofMillis(pass()));
        worker.interruptOnClose();
        // Messages a stopped run (or a dead node) had claimed are due again once this node has the work.
        worker.onAcquire(() -> queue.rows().releaseClaims(clock.millis()));
    }

    /**
     * Delivers only while this node holds the lease "rampart-notify" (several nodes on one database); another node
     * takes over within about {@code length} after the holder dies. Before {@link #start}.
     */
    public void leased(io.rampart.storage.Leases leases, Duration length) {
        worker.leased(leases, "rampart-notify", length);
    }

    public void start() {
        worker.start();
    }

    /** Tells the sender new messages are queued. */
    public void poke() {
        worker.wake();
    }

    public long delivered() {
        return delivered.get();
    }

    public long failures() {
        return failures.get();
    }

    /** One pass over the queue; returns how long to sleep before the next (until the earliest retry is due). */
    private long pass() {
        List<EventQueue.Pending> pending = queue.oldest(BATCH);
        Set<String> blocked = new HashSet<>();
        long now = clock.millis();
        long nextDue = Long.MAX_VALUE;
        Map<String, Integer> sent = new HashMap<>();
        for (EventQueue.Pending p : pending) {
            if (worker.closed()) return 0;
            if (blocked.contains(p.target())) continue;
            URI url = targets.get(p.target());
            if (url == null) {
                // Configured when the event was queued, not now: keep it for when the target is configured again.
                if (warnedUnknown.add(p.target())) {
                    log.warn(
                            "messages for webhook target '{}' are queued but no such webhook is configured now "
                                    + "(--notify-webhook ID=URL or --detect-webhook URL); they are kept",
                            p.target());
                }
                blocked.add(p.target());
                continue;
            }
            // Not due, or claimed by another node (its claim moved it ahead): its later messages wait behind it.
            if (p.nextAttempt() > now || !queue.claim(p.id(), clock.millis())) {
                blocked.add(p.target());
                nextDue = Math.min(nextDue, Math.max(p.nextAttempt(), now + 1));
                continue;
            }
            if (send(url, p.body())) {
                queue.delivered(p.id());
                delivered.incrementAndGet();
                sent.merge(p.target(), 1, Integer::sum);
            } else {
                failures.incrementAndGet();
                long delay = backoff(p.attempts());
                queue.failed(p.id(), clock.millis() + delay);
                blocked.add(p.target());
                nextDue = Math.min(nextDue, clock.millis() + delay);
                if (Long.bitCount(p.attempts() + 1L) == 1) {
                    log.warn(
                            "webhook '{}' did not accept event notification {} (attempt {}); retrying in {} ms",
                            p.target(),
                            p.id(),
                            p.attempts() + 1,
                            delay);
                }
            }
        }
        if (pending.size() == BATCH && !sent.isEmpty()) return 0;
        return nextDue == Long.MAX_VALUE ? 60_000 : Math.max(1, nextDue - clock.millis());
    }

    long backoff(int attempts) {
        return io.rampart.storage.DurableQueue.backoff(attempts, retryBase, maxDelay);
    }

    private boolean send(URI url, String body) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "Rampart")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<Void> r = http().send(request, HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        worker.close();
        HttpClient h = http;
        if (h != null) h.close();
    }
}
