package io.rampart.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The schema of the metadata database as one sequence of numbered migrations, each owned by the component whose
 * tables it changes, recorded in {@code schema_version} (one row per applied step). Opening a database applies the
 * steps it lacks, in order, in one transaction: an interrupted upgrade leaves the previous schema whole. A database
 * newer than this code is refused rather than written with an older understanding of its tables.
 *
 * <p>The SQL of each step lives in {@code schema/<dialect>/V<n>__<owner>_<what>.sql} next to this class, listed here
 * explicitly (no classpath scanning): a second backend adds its own directory with the same numbers.
 *
 * <p>Data directories from before numbered migrations carry no version: their layout is recognised once, by looking
 * at it ({@link #adoptUnversioned}), brought to the baseline, and from then on only the version counts.
 */
public final class SchemaMigrations {
    private SchemaMigrations() {}

    /** One numbered step: who owns it, and the resource holding its statements. */
    public record Step(int version, String owner, String name) {
        String resource(String dialect) {
            return "schema/" + dialect + "/V" + version + "__" + owner + "_" + name + ".sql";
        }
    }

    /** Every step, in order; a new step gets the next number, whichever component owns it. */
    public static final List<Step> STEPS = List.of(
            new Step(1, "storage", "baseline"),
            new Step(2, "iam", "baseline"),
            new Step(3, "audit", "baseline"),
            new Step(4, "detect", "baseline"),
            new Step(5, "notify", "baseline"),
            new Step(6, "kms", "keys"),
            new Step(7, "cluster", "leases"),
            new Step(8, "iam", "roles_anywhere"),
            new Step(9, "iam", "org_accounts"),
            new Step(10, "iam", "org_units"),
            new Step(11, "detect", "feed"),
            new Step(12, "audit", "trail_nodes"),
            new Step(13, "cluster", "queue_claims"),
            new Step(14, "recovery", "restore_jobs"),
            new Step(16, "iam", "org_tags"));

    /** The last step of the baseline: the schema of the data directories written before numbered migrations. */
    static final int BASELINE = 5;

    /** The backends with a directory of migrations; each has every step. */
    static final List<String> DIALECTS = List.of("sqlite", "postgresql");

    private static final String VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY,"
            + " owner TEXT NOT NULL, name TEXT NOT NULL, applied BIGINT NOT NULL)";

    /** The latest version this code knows. */
    public static int latest() {
        return STEPS.getLast().version();
    }

    /**
     * Brings the database to {@link #latest()}; a no-op when it is there already. On PostgreSQL the steps run under an
     * advisory lock ({@link Database#exclusive}): of two nodes starting at once, the second waits and then finds the
     * schema at the latest version.
     */
    static void migrate(Database db) {
        int latest = latest();
        SqlDialect dialect = db.dialect();
        db.exclusive(c -> {
            boolean versioned = dialect.tableExists(c, "schema_version");
            // Only the embedded store predates numbered migrations.
            boolean unversioned = !versioned && dialect == SqliteDialect.INSTANCE && dialect.hasTables(c);
            try (Statement s = c.createStatement()) {
                s.execute(VERSION_TABLE);
            }
            int current = current(c);
            if (current > latest) {
                throw new StorageException(
                        "the metadata database is at schema version " + current + ", newer than this Rampart knows ("
                                + latest + "): run the newer version",
                        null);
            }
            if (current == latest) return null;
            List<String> afterBaseline = unversioned ? adoptUnversioned(c) : List.of();
            for (Step step : STEPS) {
                if (step.version() <= current) continue;
                try (Statement s = c.createStatement()) {
                    for (String sql : statements(step, dialect.name())) {
                        String run = dialect == SqliteDialect.INSTANCE ? addColumnIfNotExists(c, sql) : sql;
                        if (run != null) s.execute(run);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO schema_version(version, owner, name, applied) VALUES(?,?,?,?)")) {
                    ps.setInt(1, step.version());
                    ps.setString(2, step.owner());
                    ps.setString(3, unversioned && step.name().equals("baseline") ? "baseline (adopted)" : step.name());
                    ps.setLong(4, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                if (step.version() == BASELINE) {
                    try (Statement s = c.createStatement()) {
                        for (String sql : afterBaseline) s.execute(sql);
                    }
                }
            }
            return null;
        });
    }

    /** The version the database is at: 0 for an empty one. */
    static int current(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * Brings a data directory written before numbered migrations to a layout the baseline steps (all
     * {@code IF NOT EXISTS}) complete: the first {@code objects} layout is set aside to be copied into the table the
     * baseline creates (the statements returned, run after the baseline), and the first detector slice's findings
     * table gets its two later columns. The only place that looks at columns, and only for a database without a
     * version.
     */
    private static List<String> adoptUnversioned(Connection c) throws SQLException {
        Set<String> objects = columns(c, "objects");
        List<String> after = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            if (!objects.isEmpty() && !objects.contains("storage_class")) {
                for (String sql : ObjectsTable.SET_FIRST_LAYOUT_ASIDE) s.execute(sql);
                after.addAll(ObjectsTable.FROM_FIRST_LAYOUT);
            }
            Set<String> findings = columns(c, "findings");
            if (!findings.isEmpty() && !findings.contains("status")) {
                s.execute("ALTER TABLE findings ADD COLUMN status TEXT NOT NULL DEFAULT 'OPEN'");
            }
            if (!findings.isEmpty() && !findings.contains("doc")) s.execute("ALTER TABLE findings ADD COLUMN doc TEXT");
        }
        return after;
    }

    private static final java.util.regex.Pattern ADD_COLUMN_IF_NOT_EXISTS = java.util.regex.Pattern.compile(
            "(?is)(ALTER\\s+TABLE\\s+(\\w+)\\s+ADD\\s+COLUMN)\\s+IF\\s+NOT\\s+EXISTS\\s+(\\w+)(.*)");

    /**
     * SQLite has no {@code ADD COLUMN IF NOT EXISTS} (PostgreSQL's form, which the SQLite files use too, so that a step
     * may meet a table that already has its column, as an adopted unversioned database may): the statement without
     * the clause, or null when the column is there.
     */
    private static String addColumnIfNotExists(Connection c, String sql) throws SQLException {
        java.util.regex.Matcher m = ADD_COLUMN_IF_NOT_EXISTS.matcher(sql.strip());
        if (!m.matches()) return sql;
        if (columns(c, m.group(2)).contains(m.group(3))) return null;
        return m.group(1) + " " + m.group(3) + m.group(4);
    }

    private static Set<String> columns(Connection c, String table) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** A step's statements: its resource split at each ';' that ends a line, comment lines dropped. */
    static List<String> statements(Step step, String dialect) {
        String path = step.resource(dialect);
        String text;
        try (InputStream in = SchemaMigrations.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing schema migration " + path);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema migration " + path, e);
        }
        List<String> out = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("--")) continue;
            sql.append(line).append('\n');
            if (line.stripTrailing().endsWith(";")) {
                String one = sql.toString().strip();
                out.add(one.substring(0, one.length() - 1));
                sql.setLength(0);
            }
        }
        if (!sql.toString().isBlank()) throw new IllegalStateException(path + ": statement without ';' at the end");
        return out;
    }
}
