package io.rampart.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestTargetTest {

    @ParameterizedTest(name = "{0} host={2} -> bucket={3} key={4}")
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "/                       | NULL     | 127.0.0.1:9000           | NULL   | NULL",
                "/photos                 | NULL     | 127.0.0.1:9000           | photos | NULL",
                "/photos/                | NULL     | 127.0.0.1:9000           | photos | NULL",
                "/photos/a/b.txt         | NULL     | 127.0.0.1:9000           | photos | a/b.txt",
                "/photos/..%2F..%2Fetc   | NULL     | 127.0.0.1:9000           | photos | ../../etc",
                "/photos/a//b            | NULL     | 127.0.0.1:9000           | photos | a//b",
                "/photos/a%20b+c         | NULL     | 127.0.0.1:9000           | photos | a b+c",
                "/photos/%E6%97%A5%0A    | NULL     | 127.0.0.1:9000           | photos | '日\n'",
                "/a/b.txt                | s3.test  | photos.s3.test:9000      | photos | a/b.txt",
                "/                       | s3.test  | photos.s3.test           | photos | NULL",
                "/photos/a.txt           | s3.test  | s3.test:9000             | photos | a.txt",
            })
    void bucketAndKeyComeFromPathOrVirtualHost(String path, String domain, String host, String bucket, String key) {
        RequestTarget t = RequestTarget.parse(path.trim(), "", host, domain);
        assertThat(t.bucket()).isEqualTo(bucket);
        assertThat(t.key()).isEqualTo(key == null ? null : key.replace("\\n", "\n"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "prefix=a+b       | prefix | a b",
                "prefix=a%2Bb     | prefix | a+b",
                "uploads          | uploads | ''",
                "list-type=2&x=1  | list-type | 2",
            })
    void queryIsDecodedAsS3ReadsIt(String raw, String name, String value) {
        assertThat(RequestTarget.parseQuery(raw.trim())).containsEntry(name.trim(), value.trim());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "s3.test | site.s3-website.s3.test:9000           | site     | true  | true",
                "s3.test | site.s3-website-eu-west-1.s3.test      | site     | true  | true",
                "s3.test | my.site.s3-website.us-east-1.s3.test   | my.site  | true  | true",
                "s3.test | site.s3.test                           | site     | true  | false",
                "s3.test | s3.test                                | NULL     | false | false",
            })
    void websiteEndpointHostsNameTheirBucket(
            String domain, String host, String bucket, boolean virtualHost, boolean website) {
        RequestTarget t = RequestTarget.parse("/", "", host, domain);
        assertThat(t.bucket()).isEqualTo(bucket);
        assertThat(t.virtualHost()).isEqualTo(virtualHost);
        assertThat(t.website()).isEqualTo(website);
    }

    @org.junit.jupiter.api.Test
    void decodingGivesWhatTheBytewiseDecoderGaveAndRefusesWhatItRefused() {
        char[] alphabet = {
            'a', 'Z', '0', 'f', 'F', 'g', '%', '%', '%', '+', '/', '=', ' ', '~', 'é', '日', '\uD83D', '\uDE00', '8',
            'C', 'E'
        };
        java.util.List<String> texts = new java.util.ArrayList<>(java.util.List.of(
                "",
                "%",
                "%4",
                "%41",
                "%C3%A9",
                "%C3",
                "%FF",
                "%ED%A0%80",
                "a+b",
                "\uD83D%41",
                "\uD83D\uDE00%E6%97%A5"));
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 30_000; i++) {
            char[] text = new char[random.nextInt(10)];
            for (int j = 0; j < text.length; j++) text[j] = alphabet[random.nextInt(alphabet.length)];
            texts.add(new String(text));
        }
        for (String text : texts) {
            for (boolean plus : new boolean[] {false, true}) {
                String expected;
                try {
                    expected = referencePercentDecode(text, plus);
                } catch (RequestTarget.InvalidUri e) {
                    expected = null;
                }
                String actual;
                try {
                    actual = RequestTarget.percentDecode(text, plus);
                } catch (RequestTarget.InvalidUri e) {
                    actual = null;
                }
                assertThat(actual).as(text).isEqualTo(expected);
            }
        }
    }

    /** RequestTarget.percentDecode before its ASCII fast path, verbatim. */
    private static String referencePercentDecode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) return s;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    i++;
                }
                out.write(b, 0, b.length);
            }
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new RequestTarget.InvalidUri();
        }
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    @org.junit.jupiter.api.Test
    void queryMapKeepsTheFirstOfARepeatedNameInOrderSent() {
        assertThat(RequestTarget.parseQuery("b=2&a=1&&a=3&c&=x&d=%2B+"))
                .containsExactly(
                        java.util.Map.entry("b", "2"),
                        java.util.Map.entry("a", "1"),
                        java.util.Map.entry("c", ""),
                        java.util.Map.entry("", "x"),
                        java.util.Map.entry("d", "+ "));
    }
}
