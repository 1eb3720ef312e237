package io.rampart.http;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids ({@code x-amz-request-id}: 16 upper-case hex digits) and host ids ({@code x-amz-id-2}) without a
 * {@code SecureRandom} call per request. They name a request in answers, the trail, access logs and notifications;
 * nothing takes them as a credential, so they must be unique, not secret. A process draws its random bits once; each
 * id is a bijection of a counter, so no two ids of one process are equal, and processes differ in their random bits.
 */
final class RequestIds {
    private static final long SALT;
    private static final AtomicLong COUNTER;
    /** The host id's first 24 bytes (32 Base64 characters, no padding): this process. */
    private static final String HOST_PREFIX;

    static {
        SecureRandom r = new SecureRandom();
        SALT = r.nextLong();
        COUNTER = new AtomicLong(r.nextLong());
        byte[] host = new byte[24];
        r.nextBytes(host);
        HOST_PREFIX = Base64.getEncoder().encodeToString(host);
    }

    private RequestIds() {}

    /** The next id of this process: distinct from every other for 2^64 calls. */
    static long next() {
        // SplitMix64's finaliser over a salted counter: xor, odd multipliers and right xor-shifts are bijections.
        long z = COUNTER.getAndIncrement() ^ SALT;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A request id as S3 writes one: 16 upper-case hex digits. */
    static String requestId(long id) {
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (id & 0xF)];
            id >>>= 4;
        }
        return new String(out);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** The host id of request {@code id}: this process's random bytes, then the id's (44 Base64 characters). */
    static String hostId(long id) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) id;
            id >>>= 8;
        }
        return HOST_PREFIX + Base64.getEncoder().encodeToString(b);
    }
}
