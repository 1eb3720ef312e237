package io.rampart.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.cli.bench.LatencySamples;
import io.rampart.cli.bench.Units;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchUnitsTest {
    @Test
    void parsesSizes() {
        assertThat(Units.parseSize("4KiB")).isEqualTo(4096);
        assertThat(Units.parseSize("1MiB")).isEqualTo(1 << 20);
        assertThat(Units.parseSize("64mib")).isEqualTo(64L << 20);
        assertThat(Units.parseSize("1MB")).isEqualTo(1_000_000);
        assertThat(Units.parseSize("123")).isEqualTo(123);
        assertThatThrownBy(() -> Units.parseSize("4XB")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Units.formatSize(64L << 20)).isEqualTo("64MiB");
        assertThat(Units.formatSize(1000)).isEqualTo("1000B");
    }

    @Test
    void parsesDurations() {
        assertThat(Units.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Units.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.parseDuration("3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Units.parseDuration("0")).isZero();
        assertThatThrownBy(() -> Units.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentilesUseNearestRank() {
        LatencySamples a = new LatencySamples();
        LatencySamples b = new LatencySamples();
        for (int i = 1; i <= 500; i++) {
            a.add(i);
        }
        for (int i = 1000; i > 500; i--) {
            b.add(i);
        }
        a.addAll(b);
        assertThat(a.count()).isEqualTo(1000);
        assertThat(a.percentile(0.50)).isEqualTo(500);
        assertThat(a.percentile(0.90)).isEqualTo(900);
        assertThat(a.percentile(0.99)).isEqualTo(990);
        assertThat(a.max()).isEqualTo(1000);
        assertThat(a.mean()).isEqualTo(501); // 500.5 rounded
        assertThat(new LatencySamples().percentile(0.5)).isZero();
    }
}
