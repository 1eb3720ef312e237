package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.rampart.it.Await;
import io.rampart.notify.EventQueue;
import io.rampart.notify.WebhookSender;
import io.rampart.storage.Database;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Findings' webhooks go through the durable notification queue: an outage, even across a restart, loses none. */
class FindingAlertsTest {

    private static Finding finding(String id) {
        Instant t = Instant.parse("2026-12-06T10:00:00Z");
        return new Finding(
                id,
                "ssec-reencryption",
                Severity.CRITICAL,
                "SSE-C re-encryption",
                "arn:aws:iam::1:user/x",
                "AKIAEXAMPLE",
                "b",
                t,
                t,
                1,
                List.of("e1"),
                Finding.Status.OPEN,
                List.of());
    }

    @Test
    void aFindingQueuedWhileTheWebhookIsDownIsDeliveredAfterARestart(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/hook";
        try (Database db = new Database(dir.resolve("rampart.db"), 2)) {
            EventQueue queue = new EventQueue(db);
            try (WebhookSender sender = new WebhookSender(
                    queue,
                    FindingAlerts.targets(List.of(url)),
                    Clock.systemUTC(),
                    Duration.ofMillis(20),
                    Duration.ofMillis(100))) {
                sender.start();
                new FindingAlerts(List.of(url), queue, sender, Clock.systemUTC()).send(finding("f-1"));
                Await.until("a failed delivery attempt", () -> sender.failures() > 0);
                assertThat(queue.size()).isEqualTo(1);
            }
        }
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        hook.createContext("/hook", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        try (Database db = new Database(dir.resolve("rampart.db"), 2)) {
            EventQueue queue = new EventQueue(db);
            try (WebhookSender sender = new WebhookSender(
                    queue,
                    FindingAlerts.targets(List.of(url)),
                    Clock.systemUTC(),
                    Duration.ofMillis(20),
                    Duration.ofMillis(100))) {
                sender.start();
                Await.until("the queued finding delivered", () -> !received.isEmpty());
                assertThat(received)
                        .singleElement()
                        .asString()
                        .contains("\"f-1\"")
                        .contains("ssec-reencryption");
                Await.until("the queue emptied", () -> queue.size() == 0);
            }
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void targetIdsAreStableAndDoNotCarryTheUrl() {
        String url = "https://hooks.example/alert?token=secret";
        assertThat(FindingAlerts.targets(List.of(url))).containsOnlyKeys(FindingAlerts.targetId(url));
        assertThat(FindingAlerts.targetId(url)).startsWith("detector-").doesNotContain("secret");
        assertThatThrownBy(() -> FindingAlerts.withTargets(
                        java.util.Map.of(FindingAlerts.targetId(url), java.net.URI.create("http://127.0.0.1:1/events")),
                        List.of(url)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("takes the name of a detector webhook");
        assertThatThrownBy(() -> FindingAlerts.targets(List.of("file:///etc/passwd")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http(s)");
    }
}
