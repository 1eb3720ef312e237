package io.rampart.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.auth.Credential;
import io.rampart.iam.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Console sign-ins and sessions: what verifies, and when a session stops working. */
class ConsoleSessionsTest {
    static final Principal ALICE = new Principal(
            "IAMUser",
            "123456789012",
            "arn:aws:iam::123456789012:user/alice",
            "AIDAALICE",
            "alice",
            "AKIAALICE",
            Optional.empty());

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovableClock clock = new MovableClock();
    final Map<String, Credential> store = new HashMap<>();
    final ConsoleSessions sessions = new ConsoleSessions(
            id -> Optional.ofNullable(store.get(id)), clock, Duration.ofMinutes(15), Duration.ofHours(8));

    ConsoleSessionsTest() {
        store.put("AKIAALICE", new Credential("AKIAALICE", "alice-secret", null, ALICE));
        store.put(
                "ASIATEMP", new Credential("ASIATEMP", "temp-secret", "the-token", ALICE, clock.now.plusSeconds(3600)));
    }

    @Test
    void onlyTheExactSecretAndTokenVerify() {
        assertThat(sessions.verify("AKIAALICE", "alice-secret", null)).isPresent();
        assertThat(sessions.verify("AKIAALICE", "alice-secreT", null)).isEmpty();
        assertThat(sessions.verify("AKIAALICE", "alice-secret", "a-token-it-does-not-have"))
                .isEmpty();
        assertThat(sessions.verify("AKIAUNKNOWN", "alice-secret", null)).isEmpty();
        assertThat(sessions.verify("ASIATEMP", "temp-secret", null))
                .as("temporary key without its token")
                .isEmpty();
        assertThat(sessions.verify("ASIATEMP", "temp-secret", "the-tokeN")).isEmpty();
        assertThat(sessions.verify("ASIATEMP", "temp-secret", "the-token")).isPresent();
        clock.now = clock.now.plusSeconds(3600);
        assertThat(sessions.verify("ASIATEMP", "temp-secret", "the-token"))
                .as("expired temporary key")
                .isEmpty();
    }

    @Test
    void aSessionEndsWhenIdleTooLongEvenIfUsedBefore() {
        ConsoleSessions.Session s = sessions.start(store.get("AKIAALICE"));
        clock.now = clock.now.plus(Duration.ofMinutes(14));
        assertThat(sessions.find(s.id())).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(14));
        assertThat(sessions.find(s.id())).as("used 14 minutes ago").isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(16));
        assertThat(sessions.find(s.id())).isEmpty();
        clock.now = clock.now.minus(Duration.ofMinutes(16));
        assertThat(sessions.find(s.id())).as("forgotten, not only refused").isEmpty();
    }

    @Test
    void aSessionEndsAtItsAbsoluteLifetimeHoweverActive() {
        ConsoleSessions.Session s = sessions.start(store.get("AKIAALICE"));
        for (int i = 0; i < 47; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(10));
            assertThat(sessions.find(s.id())).isPresent();
        }
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        assertThat(sessions.find(s.id())).isEmpty();
    }

    @Test
    void aSessionEndsWhenItsKeyStopsVerifying() {
        ConsoleSessions.Session s = sessions.start(store.get("AKIAALICE"));
        assertThat(sessions.find(s.id())).isPresent();
        store.remove("AKIAALICE"); // deactivated: the credential store no longer has it
        assertThat(sessions.find(s.id())).isEmpty();
    }

    @Test
    void sessionIdsAndCsrfTokensAreRandomAndTheTokenIsTiedToItsSession() {
        ConsoleSessions.Session a = sessions.start(store.get("AKIAALICE"));
        ConsoleSessions.Session b = sessions.start(store.get("AKIAALICE"));
        assertThat(a.id()).isNotEqualTo(b.id()).hasSize(43);
        assertThat(a.csrfToken()).isNotEqualTo(b.csrfToken()).isNotEqualTo(a.id());
        assertThat(ConsoleSessions.csrfMatches(a, a.csrfToken())).isTrue();
        assertThat(ConsoleSessions.csrfMatches(a, b.csrfToken())).isFalse();
        assertThat(ConsoleSessions.csrfMatches(a, null)).isFalse();
        sessions.end(a.id());
        assertThat(sessions.find(a.id())).isEmpty();
        assertThat(sessions.find(b.id())).isPresent();
    }
}
