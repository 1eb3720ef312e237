package io.rampart.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.metrics.ServerMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    @Test
    void withoutATokenFileTheEndpointListensOnLoopbackOnlyWhateverTheServerAddress() throws Exception {
        try (ServerMetrics metrics = new ServerMetrics();
                MetricsEndpoint endpoint = MetricsEndpoint.start(metrics, "0.0.0.0", 0, null)) {
            assertThat(endpoint.host()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void withATokenFileTheEndpointListensOnTheServerAddress() throws Exception {
        Path token = Files.createTempFile("token", ".txt");
        Files.writeString(token, "a-token-long-enough-0123456789");
        try (ServerMetrics metrics = new ServerMetrics();
                MetricsEndpoint endpoint = MetricsEndpoint.start(metrics, "0.0.0.0", 0, token)) {
            assertThat(endpoint.host()).isEqualTo("0.0.0.0");
        }
    }

    @Test
    void aShortTokenIsRefusedAtStart() throws Exception {
        Path token = Files.createTempFile("token", ".txt");
        Files.writeString(token, "short\n");
        try (ServerMetrics metrics = new ServerMetrics()) {
            assertThatThrownBy(() -> MetricsEndpoint.start(metrics, "127.0.0.1", 0, token))
                    .hasMessageContaining("shorter than 16");
        }
    }
}
