package io.rampart.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Identifiers in AWS's shapes: the type prefix tells what an id names, and keys and secrets use AWS's alphabets. */
class IamIdsTest {

    @ParameterizedTest
    @CsvSource({"user, AIDA", "group, AGPA", "role, AROA", "policy, ANPA"})
    void entityIdsCarryTheirTypePrefixAndTwentyOneCharacters(String kind, String prefix) {
        String id = IamIds.entityId(kind);
        assertThat(id).startsWith(prefix).hasSize(21).matches("[A-Z2-7]+");
    }

    @Test
    void anUnknownEntityKindIsRefused() {
        assertThatThrownBy(() -> IamIds.entityId("bucket")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longLivedAndTemporaryKeysAreTwentyCharactersAkiaAndAsia() {
        assertThat(IamIds.longLivedKeyId()).startsWith("AKIA").hasSize(20).matches("[A-Z2-7]+");
        assertThat(IamIds.temporaryKeyId()).startsWith("ASIA").hasSize(20).matches("[A-Z2-7]+");
    }

    @Test
    void secretsAreFortyBase64CharactersAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String s = IamIds.secret();
            assertThat(s).hasSize(40).matches("[A-Za-z0-9+/]+");
            assertThat(seen.add(s)).as("a repeated secret").isTrue();
        }
    }

    @Test
    void randomDigitsNeverStartWithZero() {
        for (int i = 0; i < 1000; i++) {
            assertThat(IamIds.randomDigits(12)).hasSize(12).matches("[1-9][0-9]{11}");
        }
    }
}
