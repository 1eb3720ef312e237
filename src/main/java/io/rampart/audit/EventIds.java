package io.rampart.audit;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CloudTrail event ids (UUID version 4 text) without a {@code SecureRandom} call per record: an id must be unique, not
 * secret. A process draws 128 random bits once; each id mixes a counter into them with a bijection of its 62 low bits,
 * so no two ids of one process are equal, and ids of different processes differ in their random bits.
 */
final class EventIds {
    private static final long MASK62 = (1L << 62) - 1;
    private static final long SALT_HIGH;
    private static final long SALT_LOW;
    private static final AtomicLong COUNTER;

    static {
        SecureRandom r = new SecureRandom();
        SALT_HIGH = r.nextLong();
        SALT_LOW = r.nextLong();
        COUNTER = new AtomicLong(r.nextLong());
    }

    private EventIds() {}

    static String next() {
        long n = COUNTER.getAndIncrement();
        // Odd multipliers and right xor-shifts are bijections on 62 bits: distinct counters give distinct low bits.
        long low = ((n ^ SALT_LOW) * 0xbf58476d1ce4e5b9L) & MASK62;
        low ^= low >>> 31;
        low = (low * 0x94d049bb133111ebL) & MASK62;
        low ^= low >>> 29;
        long high = (n + SALT_HIGH) * 0x9e3779b97f4a7c15L;
        high ^= high >>> 32;
        high = (high & ~0xF000L) | 0x4000L; // version 4
        low |= 0x8000000000000000L; // IETF variant (10xx)
        return new UUID(high, low).toString();
    }
}
