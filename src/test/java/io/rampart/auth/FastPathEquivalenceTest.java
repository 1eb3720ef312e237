package io.rampart.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The allocation-free parsing and encoding on the signature path give exactly what the straightforward versions they
 * replaced gave (kept here verbatim as references), on hand-picked texts and on random texts over the characters that
 * matter: escapes valid and broken, '+', '/', ';', '=', '&', non-ASCII and lone surrogates.
 */
class FastPathEquivalenceTest {
    private static final List<String> SAMPLES = List.of(
            "",
            "a",
            "%",
            "%4",
            "%41",
            "%4g",
            "%%41",
            "a+b",
            "a%2Bb",
            "a%2bb",
            "%2F",
            "AKIAEXAMPLE%2F20261207%2Fus-east-1%2Fs3%2Faws4_request",
            "AKIAEXAMPLE/20261207/us-east-1/s3/aws4_request",
            "x-amz-meta-%E6%97%A5",
            "日本",
            "%E6%97%A5本+%20",
            "%FF%FE",
            "\uD83D\uDE00",
            "\uD83D",
            "\uD83D%41",
            "\uDE00x",
            "é%C3%A9",
            "~-._*'()!$",
            "a b\tc\n",
            "/photos/a//b",
            "/bucket/..%2F..%2Fetc");
    private static final char[] ALPHABET = {
        'a', 'Z', '0', '9', 'f', 'F', 'g', '%', '%', '%', '+', '/', ';', '=', '&', ' ', '~', '-', '.', '_', '*', 'é',
        '日', '\uD83D', '\uDE00', '\n'
    };

    private static List<String> texts() {
        List<String> out = new ArrayList<>(SAMPLES);
        Random random = new Random(23);
        for (int i = 0; i < 20_000; i++) {
            char[] text = new char[random.nextInt(12)];
            for (int j = 0; j < text.length; j++) text[j] = ALPHABET[random.nextInt(ALPHABET.length)];
            out.add(new String(text));
        }
        return out;
    }

    @Test
    void decodingAndReencodingGiveWhatTheBytewiseVersionsGave() {
        for (String text : texts()) {
            for (boolean plus : new boolean[] {false, true}) {
                assertThat(UriEncoding.decode(text, plus)).as(text).isEqualTo(referenceDecode(text, plus));
                assertThat(UriEncoding.decodeToString(text, plus))
                        .as(text)
                        .isEqualTo(
                                referenceIsCanonical(text, false)
                                        ? text
                                        : new String(referenceDecode(text, plus), StandardCharsets.UTF_8));
                for (boolean slash : new boolean[] {false, true}) {
                    assertThat(UriEncoding.reencode(text, plus, slash))
                            .as(text)
                            .isEqualTo(referenceReencode(text, plus, slash));
                }
            }
        }
    }

    /** Pieces of names, values and paths as clients encode them: escapes of both cases, '+', '=', '&', unicode. */
    private static final String[] TOKENS = {
        "a",
        "Z",
        "9",
        "~",
        "-",
        ".",
        "_",
        "/",
        "+",
        "=",
        "&",
        " ",
        "%",
        "%2F",
        "%2f",
        "%2B",
        "%2b",
        "%20",
        "%41",
        "%7E",
        "%7e",
        "%3D",
        "%26",
        "%25",
        "%C3%A9",
        "%c3%a9",
        "%E6%97%A5",
        "%FF",
        "%G1",
        "%4",
        "é",
        "日",
        "\uD83D\uDE00",
        "X-Amz-Credential",
        "AKIAEXAMPLE%2F20261207%2Fus-east-1%2Fs3%2Faws4_request"
    };

    private static String tokens(Random random, int max) {
        StringBuilder out = new StringBuilder();
        int n = random.nextInt(max + 1);
        for (int i = 0; i < n; i++) out.append(TOKENS[random.nextInt(TOKENS.length)]);
        return out.toString();
    }

    @Test
    void textAlreadyInSigV4FormIsReencodedAsWithoutTheFastPath() {
        Random random = new Random(41);
        for (int i = 0; i < 50_000; i++) {
            String text = tokens(random, 6);
            for (boolean plus : new boolean[] {false, true}) {
                for (boolean slash : new boolean[] {false, true}) {
                    String expected = referenceReencode(text, plus, slash);
                    assertThat(UriEncoding.reencode(text, plus, slash)).as(text).isEqualTo(expected);
                    if (UriEncoding.isEncodedCanonical(text, slash)) {
                        assertThat(expected).as(text).isEqualTo(text);
                    }
                }
            }
        }
        assertThat(UriEncoding.isEncodedCanonical("AKID%2F20261207%2Fus-east-1%2Fs3%2Faws4_request", false))
                .isTrue();
        assertThat(UriEncoding.isEncodedCanonical("a%2Fb", true)).isFalse(); // '/' is kept as is in paths
        assertThat(UriEncoding.isEncodedCanonical("a%2fb", false)).isFalse(); // lower-case hex is re-encoded
        assertThat(UriEncoding.isEncodedCanonical("%41", false)).isFalse(); // an unreserved byte escaped
        assertThat(UriEncoding.isEncodedCanonical("a+b", false)).isFalse();
        assertThat(UriEncoding.isEncodedCanonical("%2", false)).isFalse();
    }

    @Test
    void canonicalQueriesOfEncodedParametersAreWhatTheyWere() {
        Random random = new Random(43);
        for (int i = 0; i < 10_000; i++) {
            StringBuilder q = new StringBuilder();
            int params = random.nextInt(i % 10 == 0 ? 30 : 8);
            for (int p = 0; p < params; p++) {
                if (p > 0) q.append('&');
                // Few distinct names: repeated parameters, sorted by value.
                q.append(random.nextInt(3) == 0 ? tokens(random, 2) : "X-Amz-" + "ABC".charAt(random.nextInt(3)));
                int shape = random.nextInt(5);
                if (shape > 0) q.append('=');
                if (shape > 1) q.append(tokens(random, 4));
            }
            String raw = q.toString();
            QueryString query = QueryString.parse(raw);
            for (boolean plus : new boolean[] {false, true}) {
                for (String excluded : new String[] {null, "X-Amz-A", "X-Amz-Signature"}) {
                    assertThat(query.canonical(plus, excluded))
                            .as(raw)
                            .isEqualTo(referenceCanonical(query, plus, excluded));
                }
            }
        }
    }

    @Test
    void aClonedSigningMacGivesWhatAFreshlyKeyedMacGives() throws Exception {
        Random random = new Random(47);
        for (int i = 0; i < 200; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            SigningKeyCache.SigningKey signingKey = new SigningKeyCache.SigningKey(key);
            javax.crypto.Mac clone = signingKey.newMac();
            for (int m = 0; m < 3; m++) { // a clone serves several messages, as the candidates of one request
                byte[] message = new byte[random.nextInt(300)];
                random.nextBytes(message);
                javax.crypto.Mac fresh = javax.crypto.Mac.getInstance("HmacSHA256");
                fresh.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
                byte[] expected = fresh.doFinal(message);
                int split = message.length / 2;
                clone.update(message, 0, split);
                clone.update(message, split, message.length - split);
                assertThat(clone.doFinal()).isEqualTo(expected);
                assertThat(signingKey.newMac().doFinal(message)).isEqualTo(expected);
            }
        }
    }

    @Test
    void canonicalQueryIsTheSortedReencodedPairs() {
        List<String> queries = new ArrayList<>(List.of(
                "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20261207%2Fus-east-1%2Fs3%2Faws4_request"
                        + "&X-Amz-Date=20261207T001500Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                        + "&X-Amz-Signature=abc",
                "b=2&a=1&a=0&a&c=&=x&&", "prefix=a+b&delimiter=%2F&list-type=2"));
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder q = new StringBuilder();
            int params = random.nextInt(i % 10 == 0 ? 40 : 6);
            for (int p = 0; p < params; p++) {
                if (p > 0) q.append('&');
                q.append((char) ('a' + random.nextInt(3)));
                if (random.nextBoolean()) q.append(ALPHABET[random.nextInt(ALPHABET.length)]);
                if (random.nextInt(4) > 0) q.append('=').append((char) ('a' + random.nextInt(3)));
                if (random.nextBoolean()) q.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            queries.add(q.toString());
        }
        for (String raw : queries) {
            QueryString query = QueryString.parse(raw);
            assertThat(query.raw()).isEqualTo(raw);
            assertThat(query.hasPlus())
                    .isEqualTo(query.params().stream()
                            .anyMatch(p -> p.rawName().indexOf('+') >= 0
                                    || (p.rawValue() != null && p.rawValue().indexOf('+') >= 0)));
            for (boolean plus : new boolean[] {false, true}) {
                for (String excluded : new String[] {null, "a", "X-Amz-Signature"}) {
                    assertThat(query.canonical(plus, excluded))
                            .as(raw)
                            .isEqualTo(referenceCanonical(query, plus, excluded));
                }
            }
            for (QueryString.Param p : query.params()) {
                assertThat(p.name()).isEqualTo(UriEncoding.decodeToString(p.rawName(), false));
            }
        }
    }

    @Test
    void credentialScopeAndSignedHeadersSplitAsSplitDid() {
        List<String> credentials = new ArrayList<>(List.of(
                "AKID/20261207/us-east-1/s3/aws4_request",
                "AKID/20261207/us-east-1/s3/aws4_request/",
                "AKID/20261207/us-east-1/s3/aws4_requesT",
                "AKID/20261207/us-east-1/s3/aws4_request2",
                "/20261207/us-east-1/s3/aws4_request",
                "AKID/2026120/us-east-1/s3/aws4_request",
                "AKID/2026120x/us-east-1/s3/aws4_request",
                "AKID/20261207//s3/aws4_request",
                "AKID/20261207/us-east-1//aws4_request",
                "AKID/20261207/us-east-1/s3",
                "AKID//20261207/us-east-1/s3/aws4_request",
                "a/b/c/d/e",
                ""));
        Random random = new Random(11);
        String[] parts = {"AKID", "", "20261207", "us-east-1", "s3", "aws4_request", "x/y", "2026120"};
        for (int i = 0; i < 5_000; i++) {
            StringBuilder c = new StringBuilder();
            int n = 3 + random.nextInt(4);
            for (int p = 0; p < n; p++) {
                if (p > 0) c.append('/');
                c.append(parts[random.nextInt(parts.length)]);
            }
            credentials.add(c.toString());
        }
        for (String credential : credentials) {
            assertThat(CredentialScope.parse(credential)).as(credential).isEqualTo(referenceScope(credential));
        }
        for (String text : texts()) {
            List<String> expected = new ArrayList<>();
            for (String name : text.split(";", -1)) {
                if (!name.isEmpty()) expected.add(name.toLowerCase(Locale.ROOT));
            }
            assertThat(SignatureClaim.splitSignedHeaders(text)).as(text).isEqualTo(expected);
        }
    }

    @Test
    void onlyLowerCaseHexOfSixtyFourDigitsCanEqualAComputedSignature() {
        byte[] bytes = new byte[32];
        new Random(3).nextBytes(bytes);
        String hex = HexFormat.of().formatHex(bytes);
        assertThat(SigV4Verifier.lowerHexSignature(hex)).isEqualTo(bytes);
        assertThat(SigV4Verifier.lowerHexSignature(hex.toUpperCase(Locale.ROOT)))
                .isNull();
        assertThat(SigV4Verifier.lowerHexSignature(hex.substring(1))).isNull();
        assertThat(SigV4Verifier.lowerHexSignature(hex + "0")).isNull();
        assertThat(SigV4Verifier.lowerHexSignature(hex.substring(1) + "g")).isNull();
        assertThat(SigV4Verifier.lowerHexSignature(hex.substring(1) + "é")).isNull();
        assertThat(SigV4Verifier.lowerHexSignature("")).isNull();
    }

    @Test
    void canonicalRequestDigestIsTheHashOfItsText() throws Exception {
        for (String text : texts().subList(0, 3_000)) {
            CanonicalRequest c = new CanonicalRequest("GET", "/b/" + text, text, "host:" + text + "\n", "host", text);
            byte[] out = new byte[32];
            MessageDigest d = CanonicalRequest.newSha256();
            c.digest(d, new CanonicalRequest.Utf8Bytes(4), out);
            assertThat(out).as(text).isEqualTo(CanonicalRequest.sha256(c.text()));
        }
    }

    // The implementations replaced, verbatim.

    private static boolean referenceIsCanonical(String text, boolean keepSlash) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unreserved = (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~';
            if (!(unreserved || (keepSlash && c == '/'))) {
                return false;
            }
        }
        return true;
    }

    /** What reencode gave before its fast path took text already in SigV4 form (escapes included) as is. */
    private static String referenceReencode(String text, boolean plusAsSpace, boolean keepSlash) {
        return referenceIsCanonical(text, keepSlash)
                ? text
                : UriEncoding.encode(referenceDecode(text, plusAsSpace), keepSlash);
    }

    private static byte[] referenceDecode(String text, boolean plusAsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < n && hexValue(text.charAt(i + 1)) >= 0 && hexValue(text.charAt(i + 2)) >= 0) {
                out.write((hexValue(text.charAt(i + 1)) << 4) | hexValue(text.charAt(i + 2)));
                i += 3;
            } else if (c == '+' && plusAsSpace) {
                out.write(' ');
                i++;
            } else if (c < 128) {
                out.write(c);
                i++;
            } else {
                int end = i + Character.charCount(text.codePointAt(i));
                out.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return out.toByteArray();
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private static String referenceCanonical(QueryString query, boolean plusAsSpace, String excluded) {
        if (query.params().isEmpty()) {
            return "";
        }
        String[][] pairs = new String[query.params().size()][];
        int count = 0;
        for (QueryString.Param p : query.params()) {
            String name = referenceReencode(p.rawName(), plusAsSpace, false);
            if (excluded != null && name.equals(excluded)) {
                continue;
            }
            String value = p.rawValue() == null ? "" : referenceReencode(p.rawValue(), plusAsSpace, false);
            pairs[count++] = new String[] {name, value};
        }
        String[][] used = Arrays.copyOf(pairs, count);
        Arrays.sort(used, (a, b) -> {
            int byName = a[0].compareTo(b[0]);
            return byName != 0 ? byName : a[1].compareTo(b[1]);
        });
        StringBuilder out = new StringBuilder(128);
        for (String[] pair : used) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(pair[0]).append('=').append(pair[1]);
        }
        return out.toString();
    }

    private static CredentialScope referenceScope(String credential) {
        String[] parts = credential.split("/", -1);
        if (parts.length != 5
                || parts[0].isEmpty()
                || parts[2].isEmpty()
                || parts[3].isEmpty()
                || !CredentialScope.TERMINATOR.equals(parts[4])
                || !isDate(parts[1])) {
            return null;
        }
        return new CredentialScope(parts[0], parts[1], parts[2], parts[3]);
    }

    private static boolean isDate(String s) {
        if (s.length() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @Test
    void signatureParametersReadInOnePassAreWhatFirstGives() {
        String[] names = {
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Signature",
            "X-Amz-Date",
            "X-Amz-SignedHeaders",
            "X-Amz-Expires",
            "X-Amz-%44ate",
            "X-Amz-Date+",
            "x-amz-date",
            "X-Amz-Security-Token",
            "versionId"
        };
        String[] values = {"", "a", "b%2Fc", "+", "%", "20261207T000000Z", "AKIA%2F20261207%2Fus-east-1%2Fs3"};
        Random random = new Random(29);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder raw = new StringBuilder();
            for (int j = random.nextInt(10); j > 0; j--) {
                if (!raw.isEmpty()) raw.append('&');
                raw.append(names[random.nextInt(names.length)]);
                if (random.nextInt(6) > 0) raw.append('=').append(values[random.nextInt(values.length)]);
            }
            QueryString query = QueryString.parse(raw.toString());
            String[] onePass = SignatureClaim.queryParameters(query);
            for (int k = 0; k < SignatureClaim.QUERY_PARAMETERS.size(); k++) {
                String name = SignatureClaim.QUERY_PARAMETERS.get(k);
                assertThat(onePass[k])
                        .as(raw + " " + name)
                        .isEqualTo(query.first(name).orElse(null));
            }
        }
    }
}
