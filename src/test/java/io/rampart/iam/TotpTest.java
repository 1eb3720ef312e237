package io.rampart.iam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {
    /** RFC 6238 Appendix B test vectors for SHA-1 (secret "12345678901234567890"), last six digits. */
    @ParameterizedTest
    @CsvSource({
        "59, 287082",
        "1111111109, 081804",
        "1111111111, 050471",
        "1234567890, 005924",
        "2000000000, 279037",
        "20000000000, 353130"
    })
    void matchesTheRfc6238TestVectors(long time, String code) {
        assertThat(Totp.code("12345678901234567890".getBytes(StandardCharsets.US_ASCII), time))
                .isEqualTo(code);
    }

    @Test
    void acceptsOneStepOfDriftAndNothingElse() {
        byte[] seed = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        String code = Totp.code(seed, 1_000_000);
        assertThat(Totp.verify(seed, code, 1_000_000 + 30)).isTrue();
        assertThat(Totp.verify(seed, code, 1_000_000 - 30)).isTrue();
        assertThat(Totp.verify(seed, code, 1_000_000 + 90)).isFalse();
        assertThat(Totp.verify(seed, "12345", 1_000_000)).isFalse();
        assertThat(Totp.verify(seed, null, 1_000_000)).isFalse();
    }
}
