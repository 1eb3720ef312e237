package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The wait helper itself: it returns as soon as the condition holds and says what it waited for when it gives up. */
class AwaitTest {

    @Test
    void returnsTheProbesFirstValueOnceThereIsOne() {
        AtomicInteger polls = new AtomicInteger();
        String v = Await.value("the third poll", () -> polls.incrementAndGet() >= 3 ? "ready" : null);
        assertThat(v).isEqualTo("ready");
        assertThat(polls).hasValue(3);
    }

    @Test
    void givingUpNamesWhatWasAwaitedAndForHowLong() {
        assertThatThrownBy(() -> Await.until("a condition that never holds", Duration.ofMillis(100), () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("timed out after ")
                .hasMessageEndingWith("waiting for: a condition that never holds");
    }

    @Test
    void aCheckedExceptionFromTheConditionFailsTheWaitAtOnce() {
        AtomicInteger polls = new AtomicInteger();
        assertThatThrownBy(() -> Await.until("a readable file", () -> {
                    polls.incrementAndGet();
                    throw new IOException("disk gone");
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessage("failed while waiting for: a readable file")
                .hasCauseInstanceOf(IOException.class);
        assertThat(polls).hasValue(1);
    }

    @Test
    void aFailedAssertionInsideTheConditionIsNotRetried() {
        assertThatThrownBy(() -> Await.until("an assertion", () -> {
                    throw new AssertionError("wrong bucket");
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessage("wrong bucket");
    }
}
