package io.rampart.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EncryptedStreamTest {
    private static final int C = EncryptedStream.CHUNK;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static EncryptedStream.Source source(byte[] stored) {
        return (off, len) -> new ByteArrayInputStream(stored, (int) off, (int) Math.min(len, stored.length - off));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 65535, 65536, 65537, 200_000, 3 * 65536})
    void roundTripsEverySizeAndHasTheDocumentedLength(int size) throws Exception {
        byte[] key = EncryptedStream.newDataKey();
        byte[] plain = random(size, size);
        byte[] stored = EncryptedStream.encrypt(plain, key);
        assertThat((long) stored.length).isEqualTo(EncryptedStream.encryptedLength(size));
        assertThat(EncryptedStream.decrypt(stored, key, size)).isEqualTo(plain);
    }

    @Test
    void rangesDecryptOnlyTheirBytesAcrossChunkBoundaries() throws Exception {
        byte[] key = EncryptedStream.newDataKey();
        int size = 5 * C + 123;
        byte[] plain = random(size, 7);
        byte[] stored = EncryptedStream.encrypt(plain, key);
        Random r = new Random(1);
        long[][] ranges = {
            {0, 0}, {C - 1, C}, {C, 2L * C - 1}, {size - 1, size - 1}, {3, size - 1}, {2L * C + 5, 4L * C + 9}
        };
        for (long[] range : ranges) check(stored, key, plain, range[0], range[1]);
        for (int i = 0; i < 50; i++) {
            long a = r.nextInt(size);
            long b = a + r.nextInt(size - (int) a);
            check(stored, key, plain, a, b);
        }
    }

    private static void check(byte[] stored, byte[] key, byte[] plain, long first, long last) throws Exception {
        try (InputStream in = EncryptedStream.decrypt(source(stored), key, plain.length, first, last)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(plain, (int) first, (int) last + 1));
        }
    }

    @Test
    void transferToWritesWholeChunksAndTheSameBytesAsRead() throws Exception {
        byte[] key = EncryptedStream.newDataKey();
        int size = 4 * C + 77;
        byte[] plain = random(size, 11);
        byte[] stored = EncryptedStream.encrypt(plain, key);
        long[][] ranges = {{0, size - 1}, {5, 5}, {C - 3, 3L * C + 2}, {C, size - 1}};
        for (long[] range : ranges) {
            java.util.List<Integer> writes = new java.util.ArrayList<>();
            java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream() {
                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    writes.add(len);
                    super.write(b, off, len);
                }
            };
            long n;
            try (InputStream in = EncryptedStream.decrypt(source(stored), key, size, range[0], range[1])) {
                n = in.transferTo(sink);
            }
            byte[] expected = Arrays.copyOfRange(plain, (int) range[0], (int) range[1] + 1);
            assertThat(n).isEqualTo(expected.length);
            assertThat(sink.toByteArray()).isEqualTo(expected);
            // One write per chunk touched: no 16 KiB re-buffering in between.
            assertThat(writes).hasSize((int) (range[1] / C - range[0] / C + 1));
        }
    }

    @Test
    void aClosedDecryptingStreamRefusesFurtherReads() throws Exception {
        byte[] key = EncryptedStream.newDataKey();
        byte[] plain = random(3 * C, 3);
        byte[] stored = EncryptedStream.encrypt(plain, key);
        InputStream in = EncryptedStream.decrypt(source(stored), key, plain.length, 0, plain.length - 1);
        in.readNBytes(10);
        in.close();
        in.close();
        assertThatThrownBy(() -> in.readNBytes(2 * C)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void manyInterleavedStreamsWithDifferentKeysAllRoundTrip() throws Exception {
        // Ciphers are pooled between streams: each must use its own key and nonces whatever ran before it.
        java.util.List<byte[]> keys = new java.util.ArrayList<>();
        java.util.List<byte[]> plains = new java.util.ArrayList<>();
        java.util.List<byte[]> stored = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            keys.add(EncryptedStream.newDataKey());
            plains.add(random(1 + i * 997, i));
            stored.add(EncryptedStream.encrypt(plains.get(i), keys.get(i)));
        }
        java.util.List<InputStream> open = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            open.add(EncryptedStream.decrypt(
                    source(stored.get(i)), keys.get(i), plains.get(i).length, 0, plains.get(i).length - 1));
        }
        for (int i = 99; i >= 0; i--) {
            try (InputStream in = open.get(i)) {
                assertThat(in.readAllBytes()).isEqualTo(plains.get(i));
            }
        }
        assertThatThrownBy(() -> EncryptedStream.decrypt(stored.get(5), keys.get(6), plains.get(5).length))
                .isInstanceOf(EncryptedStream.TamperedDataException.class);
        assertThat(EncryptedStream.decrypt(stored.get(6), keys.get(6), plains.get(6).length))
                .isEqualTo(plains.get(6));
    }

    @Test
    void ciphertextDoesNotContainThePlaintext() {
        byte[] plain =
                "attack at dawn, attack at dawn, attack at dawn".repeat(100).getBytes();
        byte[] stored = EncryptedStream.encrypt(plain, EncryptedStream.newDataKey());
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("attack at dawn");
    }

    @Test
    void aFlippedByteFailsAuthentication() {
        byte[] key = EncryptedStream.newDataKey();
        byte[] stored = EncryptedStream.encrypt(random(3 * C, 3), key);
        stored[EncryptedStream.HEADER + C + 100] ^= 1;
        assertThatThrownBy(() -> EncryptedStream.decrypt(stored, key, 3 * C))
                .isInstanceOf(EncryptedStream.TamperedDataException.class)
                .hasMessageContaining("chunk 1");
    }

    @Test
    void truncationAndReorderingAreDetected() {
        byte[] key = EncryptedStream.newDataKey();
        int size = 2 * C;
        byte[] stored = EncryptedStream.encrypt(random(size, 4), key);
        // Drop the last chunk and pretend the object was one chunk: the remaining chunk is not marked final.
        byte[] truncated = Arrays.copyOf(stored, EncryptedStream.HEADER + C + EncryptedStream.TAG);
        assertThatThrownBy(() -> EncryptedStream.decrypt(truncated, key, C))
                .isInstanceOf(EncryptedStream.TamperedDataException.class);
        byte[] swapped = stored.clone();
        int a = EncryptedStream.HEADER;
        int b = a + C + EncryptedStream.TAG;
        System.arraycopy(stored, b, swapped, a, C + EncryptedStream.TAG);
        System.arraycopy(stored, a, swapped, b, C + EncryptedStream.TAG);
        assertThatThrownBy(() -> EncryptedStream.decrypt(swapped, key, size))
                .isInstanceOf(EncryptedStream.TamperedDataException.class);
    }

    @Test
    void theWrongKeyCannotDecryptEvenAnEmptyObject() {
        byte[] stored = EncryptedStream.encrypt(new byte[0], EncryptedStream.newDataKey());
        assertThatThrownBy(() -> EncryptedStream.decrypt(stored, EncryptedStream.newDataKey(), 0))
                .isInstanceOf(EncryptedStream.TamperedDataException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 4096, 65535, 65536})
    void aSmallStreamDecryptsWholeOrByRangeInMemoryAsTheStreamDoes(int size) throws Exception {
        byte[] key = EncryptedStream.newDataKey();
        byte[] plain = random(size, size + 11);
        byte[] stored = EncryptedStream.encrypt(plain, key);
        if (size == 0) {
            assertThat(EncryptedStream.decryptSmall(stored, key, 0, 0, -1)).isEmpty();
            return;
        }
        assertThat(EncryptedStream.decryptSmall(stored, key, size, 0, size - 1)).isEqualTo(plain);
        long[][] ranges = {{0, 0}, {size - 1, size - 1}, {size / 3, size - 1}, {0, size / 2}};
        for (long[] r : ranges) {
            assertThat(EncryptedStream.decryptSmall(stored, key, size, r[0], r[1]))
                    .isEqualTo(Arrays.copyOfRange(plain, (int) r[0], (int) r[1] + 1));
        }
    }

    @Test
    void aSmallStreamThatWasAlteredTruncatedOrOpenedWithAnotherKeyIsRefused() {
        byte[] key = EncryptedStream.newDataKey();
        byte[] plain = random(4096, 3);
        byte[] stored = EncryptedStream.encrypt(plain, key);
        byte[] flipped = stored.clone();
        flipped[EncryptedStream.HEADER + 100] ^= 1;
        assertThatThrownBy(() -> EncryptedStream.decryptSmall(flipped, key, 4096, 0, 4095))
                .isInstanceOf(EncryptedStream.TamperedDataException.class);
        byte[] truncated = Arrays.copyOf(stored, stored.length - 1);
        assertThatThrownBy(() -> EncryptedStream.decryptSmall(truncated, key, 4096, 0, 4095))
                .isInstanceOf(EncryptedStream.TamperedDataException.class);
        assertThatThrownBy(() -> EncryptedStream.decryptSmall(stored, EncryptedStream.newDataKey(), 4096, 0, 4095))
                .isInstanceOf(EncryptedStream.TamperedDataException.class);
        // A recorded length other than the stored one: the chunk is not the final chunk of that length.
        assertThatThrownBy(() -> EncryptedStream.decryptSmall(stored, key, 4095, 0, 4094))
                .isInstanceOf(EncryptedStream.TamperedDataException.class);
    }

    @Test
    void unsealedKeysAreCachedBoundedAndHandedOutAsCopies() {
        UnsealedKeys keys = new UnsealedKeys(2);
        int[] unseals = {0};
        java.util.function.Function<String, byte[]> unseal = form -> {
            unseals[0]++;
            return form.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        };
        byte[] first = keys.get("a", unseal);
        first[0] = 0; // a caller wiping its copy
        assertThat(keys.get("a", unseal)).isEqualTo("a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(unseals[0]).isEqualTo(1);
        keys.get("b", unseal);
        keys.get("c", unseal);
        assertThat(keys.size()).isLessThanOrEqualTo(2);
        assertThat(unseals[0]).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 100, 4096, 65535, 65536})
    void smallFormIsTheStreamFormByteForByte(int size) throws Exception {
        Random r = new Random(size);
        for (int i = 0; i < 20; i++) {
            byte[] key = random(32, r.nextLong());
            byte[] prefix = random(8, r.nextLong());
            int off = r.nextInt(50);
            byte[] buffer = random(off + size + r.nextInt(50), r.nextLong());
            byte[] plain = Arrays.copyOfRange(buffer, off, off + size);
            byte[] small = EncryptedStream.encryptSmall(buffer, off, size, key, prefix);
            assertThat(small).isEqualTo(oneChunk(plain, key, prefix));
            // The stream with another prefix (a pooled cipher refuses the same key and nonce twice, as it should).
            byte[] otherPrefix = random(8, r.nextLong());
            assertThat(EncryptedStream.encrypt(plain, key, otherPrefix)).isEqualTo(oneChunk(plain, key, otherPrefix));
            assertThat(EncryptedStream.decrypt(small, key, size)).isEqualTo(plain);
            assertThat(EncryptedStream.decryptSmall(small, key, size, 0, size - 1))
                    .isEqualTo(plain);
        }
        byte[] key = EncryptedStream.newDataKey();
        byte[] plain = random(size, 3);
        byte[] a = EncryptedStream.encryptSmall(plain, 0, size, key);
        byte[] b = EncryptedStream.encryptSmall(plain, 0, size, key);
        // A fresh random nonce prefix each time, as the stream draws.
        assertThat(Arrays.copyOfRange(a, 4, 12)).isNotEqualTo(Arrays.copyOfRange(b, 4, 12));
        assertThat(EncryptedStream.decrypt(a, key, size)).isEqualTo(plain);
    }

    /** The documented format of a one-chunk stream, built here with a cipher of its own. */
    private static byte[] oneChunk(byte[] plain, byte[] key, byte[] prefix) throws Exception {
        byte[] nonce = Arrays.copyOf(prefix, 12); // prefix then chunk index 0
        byte[] aad = new byte[9];
        aad[8] = 1; // index 0, final chunk
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        c.init(
                javax.crypto.Cipher.ENCRYPT_MODE,
                new javax.crypto.spec.SecretKeySpec(key, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        c.updateAAD(aad);
        byte[] sealed = c.doFinal(plain);
        byte[] out = new byte[16 + sealed.length];
        out[0] = 'R';
        out[1] = 'M';
        out[2] = 'P';
        out[3] = '1';
        System.arraycopy(prefix, 0, out, 4, 8);
        System.arraycopy(sealed, 0, out, 16, sealed.length);
        return out;
    }

    @Test
    void smallFormRefusesMoreThanOneChunk() {
        assertThatThrownBy(() -> EncryptedStream.encryptSmall(new byte[C + 1], 0, C + 1, EncryptedStream.newDataKey()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
