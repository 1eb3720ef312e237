package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Columns#text} gives what {@code getString} gives, for every kind of value a text column can hold. */
class ColumnsTest {
    @TempDir
    Path dir;

    @Test
    void textIsWhatGetStringGives() throws Exception {
        List<String> values = new ArrayList<>(List.of(
                "",
                "a",
                "plain ascii/key.txt",
                "é",
                "日本語のキー",
                "emoji \uD83D\uDE00 pair",
                "nul\u0000inside",
                "x".repeat(70_000)));
        Random random = new Random(23);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder s = new StringBuilder();
            int len = random.nextInt(40);
            for (int i = 0; i < len; i++) s.appendCodePoint(randomCodePoint(random));
            values.add(s.toString());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                s.execute("INSERT INTO t(id, v) VALUES (-1, NULL), (-2, 42), (-3, 1.5)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(id, v) VALUES (?, ?)")) {
                for (int i = 0; i < values.size(); i++) {
                    ps.setInt(1, i);
                    ps.setString(2, values.get(i));
                    ps.executeUpdate();
                }
            }
            int rows = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                assertThat(rs).isInstanceOf(org.sqlite.core.CoreResultSet.class);
                while (rs.next()) {
                    String fast = Columns.text(rs, 1);
                    assertThat(fast).isEqualTo(rs.getString(1));
                    rows++;
                }
            }
            assertThat(rows).isEqualTo(values.size() + 3);
            try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
                for (int i = 0; i < values.size(); i++) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(Columns.text(rs, 1)).isEqualTo(values.get(i));
                    }
                }
                ps.setInt(1, -1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(Columns.text(rs, 1)).isNull();
                }
                ps.setInt(1, -2);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(Columns.text(rs, 1)).isEqualTo("42");
                }
            }
        }
    }

    private static int randomCodePoint(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0x20 + random.nextInt(0x5f);
            case 1 -> 0x80 + random.nextInt(0x780);
            case 2 -> 0x800 + random.nextInt(0xD000 - 0x800);
            default -> 0x10000 + random.nextInt(0x10FFFF - 0x10000);
        };
    }
}
