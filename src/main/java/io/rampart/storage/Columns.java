package io.rampart.storage;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Text columns read without sqlite-jdbc's per-value direct buffer. Its {@code getString} has the native side wrap
 * SQLite's bytes in a {@code DirectByteBuffer} built through JNI's {@code NewDirectByteBuffer} (a Java constructor
 * called from native code: ~6 % of the server's CPU under a 4 KiB GET flood, for ~20 text columns per GET); its
 * {@code getBytes} returns the same UTF-8 bytes as a plain array ({@code sqlite3_column_blob} of a TEXT value is its
 * text), which Java decodes as {@code getString} would. Other drivers (PostgreSQL) keep {@code getString}.
 */
final class Columns {
    private Columns() {}

    /** Column {@code i} as text, null for SQL NULL: the value {@link ResultSet#getString(int)} gives. */
    static String text(ResultSet rs, int i) throws SQLException {
        if (!(rs instanceof org.sqlite.core.CoreResultSet)) return rs.getString(i);
        byte[] utf8 = rs.getBytes(i);
        return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
    }
}
