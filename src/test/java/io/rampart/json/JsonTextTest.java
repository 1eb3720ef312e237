package io.rampart.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written JSON is Jackson's, character for character and byte for byte, on strings of every kind. */
class JsonTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every escaping and encoding class: ASCII, escapes, controls, 2- and 3-byte UTF-8, pairs and lone surrogates. */
    private static final char[] ALPHABET = {
        'a', 'Z', '0', ' ', '"', '\\', '/', '\b', '\t', '\n', '\f', '\r', '\u0000', '\u000b', '\u001f', '\u007f',
        '\u0080', 'é', '\u07ff', '\u0800', '日', '\u2028', '\u2029', '\uD7FF', '\uD800', '\uDBFF', '\uDC00', '\uDFFF',
        '\uE000', '\uFEFF', '\uFFFF', '{', ':', ','
    };

    private static String random(Random rnd) {
        char[] text = new char[rnd.nextInt(rnd.nextInt(10) == 0 ? 5000 : 12)];
        for (int i = 0; i < text.length; i++) {
            text[i] = rnd.nextInt(4) == 0 ? ALPHABET[rnd.nextInt(ALPHABET.length)] : (char) rnd.nextInt(0x10000);
        }
        return new String(text);
    }

    /** Whether {@code s} has a surrogate without its other half (it does not survive a UTF-8 round trip). */
    private static boolean lone(String s) {
        return !s.equals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    @Test
    void stringsAreWrittenAsJacksonWritesThem() throws Exception {
        Random rnd = new Random(2312);
        for (int i = 0; i < 20_000; i++) {
            String s = random(rnd);
            StringBuilder chars = new StringBuilder();
            JsonText.string(chars, s);
            assertThat(chars.toString()).as("chars of %s", s).isEqualTo(JSON.writeValueAsString(s));
            JsonBytes bytes = new JsonBytes(rnd.nextInt(4)).string(s);
            assertThat(bytes.toByteArray()).as("UTF-8 of %s", s).isEqualTo(JSON.writeValueAsBytes(s));
            assertThat(bytes.loneSurrogate()).as("lone surrogate in %s", s).isEqualTo(lone(s));
        }
        StringBuilder nothing = new StringBuilder();
        JsonText.string(nothing, null);
        assertThat(nothing.toString()).isEqualTo("null");
        assertThat(new JsonBytes(0).string(null).toByteArray()).isEqualTo(JSON.writeValueAsBytes(null));
    }

    @Test
    void numbersAreWrittenAsJacksonWritesThem() throws Exception {
        Random rnd = new Random(5);
        long[] edges = {
            0, 1, -1, 9, 10, -10, 99, 100, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE
        };
        for (long n : edges)
            assertThat(new JsonBytes(1).number(n).toByteArray()).isEqualTo(JSON.writeValueAsBytes(n));
        for (int i = 0; i < 10_000; i++) {
            long n = rnd.nextLong() >> rnd.nextInt(64);
            assertThat(new JsonBytes(1).number(n).toByteArray()).isEqualTo(JSON.writeValueAsBytes(n));
        }
    }

    @Test
    void aLineIsTheBytesAndANewline() {
        JsonBytes out =
                new JsonBytes(1).raw(JsonBytes.ascii("{\"a\":")).number(12).raw('}');
        assertThat(new String(out.line(), StandardCharsets.US_ASCII)).isEqualTo("{\"a\":12}\n");
    }
}
