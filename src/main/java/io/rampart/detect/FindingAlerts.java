package io.rampart.detect;

import io.rampart.notify.EventQueue;
import io.rampart.notify.WebhookSender;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Findings posted to the detector's webhooks ({@code --detect-webhook URL}) through the same durable queue and sender
 * as S3 event notifications: a finding is committed to the queue before the detector goes on, retried with back-off
 * until its webhook accepts it (in order per webhook), and never dropped, whatever the outage's length.
 *
 * <p>Each URL is a sender target named {@code detector-<hash of the URL>}: stable across restarts (a finding queued
 * before one is delivered after it), and the queue's rows do not carry the URL, which may hold a token.
 */
public final class FindingAlerts {
    /** No webhooks: NOTIFY responses have nowhere to go. */
    public static final FindingAlerts NONE = new FindingAlerts(List.of(), null, null, Clock.systemUTC());

    /** The prefix of the sender targets findings' webhooks become; event-notification target ids may not use it. */
    public static final String TARGET_PREFIX = "detector-";

    private final List<String> urls;
    private final EventQueue queue;
    private final WebhookSender sender;
    private final Clock clock;

    public FindingAlerts(List<String> urls, EventQueue queue, WebhookSender sender, Clock clock) {
        this.urls = List.copyOf(urls);
        this.queue = queue;
        this.sender = sender;
        this.clock = clock;
        if (!this.urls.isEmpty() && (queue == null || sender == null)) {
            throw new IllegalArgumentException("webhooks need a queue and a sender");
        }
    }

    /** The sender targets these URLs become (target id to URL); throws IllegalArgumentException for a non-http(s) URL. */
    public static Map<String, URI> targets(List<String> urls) {
        Map<String, URI> out = new LinkedHashMap<>();
        for (String u : urls) {
            URI uri;
            try {
                uri = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("webhook URL is not a URL: " + u);
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("webhook URL must be http(s): " + u);
            }
            out.put(targetId(u), uri);
        }
        return out;
    }

    /**
     * The sender's targets: the event-notification targets and these webhooks. An event target named like a webhook's
     * would send one's messages to the other: refused.
     */
    public static Map<String, URI> withTargets(Map<String, URI> notificationTargets, List<String> urls) {
        Map<String, URI> all = new LinkedHashMap<>(notificationTargets);
        targets(urls).forEach((id, url) -> {
            if (all.putIfAbsent(id, url) != null) {
                throw new IllegalStateException(
                        "event notification target " + id + " takes the name of a detector webhook");
            }
        });
        return all;
    }

    static String targetId(String url) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return TARGET_PREFIX + HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<String> urls() {
        return urls;
    }

    /** Queues the finding's JSON ({@link FindingJson}) for every webhook; returns once it is committed. */
    public void send(Finding f) {
        if (urls.isEmpty()) return;
        String body;
        try {
            body = FindingJson.JSON.writeValueAsString(FindingJson.of(f));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        List<EventQueue.Message> messages = new ArrayList<>();
        for (String url : urls) messages.add(new EventQueue.Message(targetId(url), body));
        queue.add(messages, clock.millis());
        sender.poke();
    }
}
