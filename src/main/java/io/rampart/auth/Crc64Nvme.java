package io.rampart.auth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.Checksum;

/**
 * CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5, init and xorout all ones), the CRC S3 uses for
 * full-object checksums. The JDK has no implementation; slicing-by-8 keeps it near CRC32C speed.
 */
final class Crc64Nvme implements Checksum {
    private static final long POLY = 0x9a6c9329ac4bc9b5L;
    private static final long[][] TABLES = buildTables();
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private long crc = -1L;

    private static long[][] buildTables() {
        long[][] tables = new long[8][256];
        for (int n = 0; n < 256; n++) {
            long c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
            }
            tables[0][n] = c;
        }
        for (int n = 0; n < 256; n++) {
            for (int t = 1; t < 8; t++) {
                long prev = tables[t - 1][n];
                tables[t][n] = (prev >>> 8) ^ tables[0][(int) (prev & 0xff)];
            }
        }
        return tables;
    }

    @Override
    public void update(int b) {
        crc = TABLES[0][(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
    }

    @Override
    public void update(byte[] b, int off, int len) {
        long c = crc;
        long[] t0 = TABLES[0], t1 = TABLES[1], t2 = TABLES[2], t3 = TABLES[3];
        long[] t4 = TABLES[4], t5 = TABLES[5], t6 = TABLES[6], t7 = TABLES[7];
        int end = off + len;
        while (end - off >= 8) {
            c ^= (long) LONG_LE.get(b, off);
            c = t7[(int) (c & 0xff)]
                    ^ t6[(int) ((c >>> 8) & 0xff)]
                    ^ t5[(int) ((c >>> 16) & 0xff)]
                    ^ t4[(int) ((c >>> 24) & 0xff)]
                    ^ t3[(int) ((c >>> 32) & 0xff)]
                    ^ t2[(int) ((c >>> 40) & 0xff)]
                    ^ t1[(int) ((c >>> 48) & 0xff)]
                    ^ t0[(int) (c >>> 56)];
            off += 8;
        }
        while (off < end) {
            c = t0[(int) ((c ^ b[off++]) & 0xff)] ^ (c >>> 8);
        }
        crc = c;
    }

    @Override
    public long getValue() {
        return ~crc;
    }

    @Override
    public void reset() {
        crc = -1L;
    }
}
