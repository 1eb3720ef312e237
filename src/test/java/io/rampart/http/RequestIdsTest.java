package io.rampart.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
    @Test
    void requestIdsAreSixteenUpperCaseHexDigitsAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            String id = Exchanges.newRequestId();
            assertThat(id).matches("[0-9A-F]{16}");
            assertThat(seen.add(id)).as("id %s repeated after %d", id, i).isTrue();
        }
    }

    @Test
    void consecutiveIdsDoNotLookSequential() {
        long a = RequestIds.next();
        long b = RequestIds.next();
        // The counter is mixed: consecutive ids differ in many bits, not in the last one or two.
        assertThat(Long.bitCount(a ^ b)).isGreaterThan(8);
    }

    @Test
    void hostIdsAreFortyFourBase64CharactersUniquePerRequest() {
        long a = RequestIds.next();
        long b = RequestIds.next();
        String ha = RequestIds.hostId(a);
        String hb = RequestIds.hostId(b);
        assertThat(ha).hasSize(44);
        assertThat(Base64.getDecoder().decode(ha)).hasSize(32);
        assertThat(ha).isNotEqualTo(hb);
        assertThat(RequestIds.requestId(0xFL)).isEqualTo("000000000000000F");
    }
}
