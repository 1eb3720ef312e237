package io.rampart.detect;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks: POSTs a finding's JSON ({@link FindingJson}) to each configured URL, off the detector's thread, retrying a
 * failed delivery (connection error or non-2xx) up to {@link #ATTEMPTS} times with doubling pauses. The queue is
 * bounded: when a webhook is down for long, the oldest undelivered notifications are dropped with a WARN rather than
 * growing the heap.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    static final int ATTEMPTS = 5;

    public static final Notifier NONE = new Notifier(List.of(), Duration.ofSeconds(1));

    private final List<String> urls;
    private final Duration firstPause;
    private final HttpClient http;
    private final ThreadPoolExecutor executor;

    public Notifier(List<String> urls, Duration firstPause) {
        for (String u : urls) {
            URI uri = URI.create(u);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("webhook URL must be http(s): " + u);
            }
        }
        this.urls = List.copyOf(urls);
        this.firstPause = firstPause;
        this.http = urls.isEmpty() ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.executor = urls.isEmpty() ? null : new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(10_000), r -> Thread.ofPlatform().daemon().name("rampart-webhook").unstarted(r),
                new ThreadPoolExecutor.DiscardOldestPolicy());
    }

    public List<String> urls() {
        return urls;
    }

    /** Queues the finding for delivery to {@code url}. */
    public void send(String url, Finding f) {
        byte[] body;
        try {
            body = FindingJson.JSON.writeValueAsBytes(FindingJson.of(f));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        executor.execute(() -> deliver(url, f.id(), body));
    }

    private void deliver(String url, String id, byte[] body) {
        long pause = firstPause.toMillis();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            String failure;
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").header("User-Agent", "rampart-detector")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    log.info("finding {} delivered to {}", id, url);
                    return;
                }
                failure = "HTTP " + r.statusCode();
            } catch (java.io.IOException e) {
                failure = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (attempt == ATTEMPTS) {
                log.error("finding {}: webhook {} failed {} times (last: {}); giving up", id, url, ATTEMPTS, failure);
                return;
            }
            log.warn("finding {}: webhook {} failed ({}); retrying in {} ms", id, url, failure, pause);
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause *= 2;
        }
    }

    @Override public void close() {
        if (executor == null) return;
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
