package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * CloudTrail records from a CSV export with a header row: an Athena query over the CloudTrail table (lower-case column
 * names, {@code userIdentity} and {@code resources} rendered as Athena structs {@code {type=IAMUser, arn=..., ...}},
 * {@code requestParameters} and {@code additionalEventData} as JSON text), or a SIEM's CSV with CloudTrail's names.
 * Column names become CloudTrail's; JSON cells are parsed; Athena structs become objects; empty and {@code null} cells
 * are left out. One row in memory at a time.
 */
final class CsvExport {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** CloudTrail's field names by their lower-case spelling (Athena's columns and struct fields). */
    private static final Map<String, String> NAMES = names(
            "eventVersion",
            "userIdentity",
            "eventTime",
            "eventSource",
            "eventName",
            "awsRegion",
            "sourceIPAddress",
            "userAgent",
            "errorCode",
            "errorMessage",
            "requestParameters",
            "responseElements",
            "additionalEventData",
            "requestID",
            "eventID",
            "resources",
            "eventType",
            "apiVersion",
            "readOnly",
            "recipientAccountId",
            "serviceEventDetails",
            "sharedEventID",
            "vpcEndpointId",
            "eventCategory",
            "managementEvent",
            "tlsDetails",
            "tlsVersion",
            "cipherSuite",
            "clientProvidedHostHeader",
            "type",
            "principalId",
            "arn",
            "accountId",
            "invokedBy",
            "accessKeyId",
            "userName",
            "sessionContext",
            "attributes",
            "mfaAuthenticated",
            "creationDate",
            "sessionIssuer",
            "webIdFederationData",
            "sourceIdentity");

    private CsvExport() {}

    private static Map<String, String> names(String... names) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String n : names) m.put(n.toLowerCase(Locale.ROOT), n);
        return Map.copyOf(m);
    }

    /** Whether the text starts like a CSV export (a header row), not JSON. */
    static boolean looksLikeCsv(int firstNonBlank) {
        return firstNonBlank == '"' || Character.isLetter(firstNonBlank);
    }

    /**
     * Reads every row of {@code rows} as a record into {@code sink}; a row that cannot be one (its cell count is not
     * the header's, it is longer than {@link CloudTrailReader#MAX_RECORD_BYTES} characters, the file ends inside it)
     * is reported to {@code unreadable} and passed.
     */
    static long read(Rows rows, Consumer<JsonNode> sink, CloudTrailReader.Unreadable unreadable) throws IOException {
        List<String> header = rows.next();
        if (header == null) return 0;
        if (rows.tooLong || rows.cutShort) {
            unreadable.skipped(0, 0, "not a CloudTrail CSV export: its header row is unreadable");
            return 0;
        }
        List<String> columns = new ArrayList<>();
        for (String h : header) {
            String name = h.replace("\uFEFF", "").trim();
            columns.add(NAMES.getOrDefault(name.toLowerCase(Locale.ROOT), name));
        }
        if (!columns.contains("eventName")) {
            unreadable.skipped(0, 0, "not a CloudTrail CSV export: no eventName column");
            return 0;
        }
        long n = 0;
        long row = 1;
        List<String> cells;
        while ((cells = rows.next()) != null) {
            row++;
            if (cells.size() == 1 && cells.get(0).isBlank() && !rows.tooLong) continue;
            long at = rows.index++;
            if (rows.tooLong) {
                unreadable.skipped(
                        at,
                        rows.rowStart,
                        "the record is longer than " + CloudTrailReader.MAX_RECORD_BYTES + " bytes (CSV row " + row
                                + ")");
                continue;
            }
            if (rows.cutShort) {
                unreadable.skipped(
                        at,
                        rows.rowStart,
                        "the record is cut short (the file ends inside a quoted cell of CSV row " + row + ")");
                continue;
            }
            if (cells.size() != columns.size()) {
                unreadable.skipped(
                        at,
                        rows.rowStart,
                        "CSV row " + row + " has " + cells.size() + " cells, the header " + columns.size());
                continue;
            }
            ObjectNode r = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < columns.size(); i++) {
                JsonNode v = value(cells.get(i), columns.get(i).equals("resources"));
                if (v != null) r.set(columns.get(i), v);
            }
            sink.accept(r);
            n++;
            rows.records++;
        }
        return n;
    }

    private static JsonNode value(String cell, boolean resources) {
        String s = cell.trim();
        if (s.isEmpty() || s.equals("null")) return null;
        if (s.startsWith("{") || s.startsWith("[")) {
            try {
                return JSON.readTree(s);
            } catch (IOException e) {
                // not JSON: an Athena struct
            }
            try {
                Struct p = new Struct(s, resources);
                JsonNode n = p.value(0);
                if (p.pos == s.length()) return n;
            } catch (RuntimeException e) {
                // neither: keep the text
            }
        }
        if (s.equals("true") || s.equals("false")) return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(s));
        return JsonNodeFactory.instance.textNode(cell);
    }

    /** Athena's rendering of structs, maps and arrays: {@code {k=v, k2={...}}}, {@code [{...}, {...}]}. */
    private static final class Struct {
        final String s;
        final boolean resources;
        int pos;

        Struct(String s, boolean resources) {
            this.s = s;
            this.resources = resources;
        }

        JsonNode value(int depth) {
            if (s.charAt(pos) == '{') return object(depth);
            if (s.charAt(pos) == '[') {
                ArrayNode a = JsonNodeFactory.instance.arrayNode();
                pos++;
                while (s.charAt(pos) != ']') {
                    a.add(value(depth + 1));
                    if (s.startsWith(", ", pos)) pos += 2;
                }
                pos++;
                return a;
            }
            int start = pos;
            while (pos < s.length() && !s.startsWith(", ", pos) && s.charAt(pos) != '}' && s.charAt(pos) != ']') pos++;
            String v = s.substring(start, pos);
            return v.equals("null") ? null : JsonNodeFactory.instance.textNode(v);
        }

        ObjectNode object(int depth) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            pos++;
            while (s.charAt(pos) != '}') {
                int eq = s.indexOf('=', pos);
                String k = s.substring(pos, eq).trim();
                pos = eq + 1;
                JsonNode v = value(depth + 1);
                String name = resources && depth == 1 && k.equals("arn")
                        ? "ARN"
                        : NAMES.getOrDefault(k.toLowerCase(Locale.ROOT), k);
                if (v != null) o.set(name, v);
                if (s.startsWith(", ", pos)) pos += 2;
            }
            pos++;
            return o;
        }
    }

    /**
     * RFC 4180 rows: quoted cells may hold commas, quotes ("") and line breaks. A row longer than
     * {@link CloudTrailReader#MAX_RECORD_BYTES} characters is passed without being held ({@link #tooLong}).
     */
    static final class Rows {
        private final Reader in;
        private int peeked = -2;
        private long offset;
        /** Where the row last returned starts (characters). */
        long rowStart;
        /** Records (data rows, readable or not) seen so far. */
        long index;

        long records;
        /** Whether the row last returned was longer than the limit (its cells are not kept). */
        boolean tooLong;
        /** Whether the file ended inside a quoted cell of the row last returned. */
        boolean cutShort;

        Rows(Reader in) {
            this.in = in;
        }

        long index() {
            return index;
        }

        /** Records read (passed to the sink) so far. */
        long records() {
            return records;
        }

        long offset() {
            return offset;
        }

        private int read() throws IOException {
            int c;
            if (peeked != -2) {
                c = peeked;
                peeked = -2;
            } else {
                c = in.read();
            }
            if (c >= 0) offset++;
            return c;
        }

        private void unread(int c) {
            peeked = c;
            if (c >= 0) offset--;
        }

        /** The next row's cells, null at the end; an over-long row's cells are not kept (see {@link #tooLong}). */
        List<String> next() throws IOException {
            rowStart = offset;
            tooLong = false;
            cutShort = false;
            long chars = 0;
            int c = read();
            if (c < 0) return null;
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean started = false;
            boolean quoted = false;
            while (true) {
                if (!tooLong && ++chars > CloudTrailReader.MAX_RECORD_BYTES) {
                    tooLong = true;
                    cells.clear();
                    cell = new StringBuilder();
                }
                if (quoted) {
                    if (c < 0) {
                        cutShort = true;
                        if (!tooLong) cells.add(cell.toString());
                        return cells;
                    }
                    if (c == '"') {
                        int d = read();
                        if (d == '"') {
                            if (!tooLong) cell.append('"');
                        } else {
                            quoted = false;
                            c = d;
                            continue;
                        }
                    } else if (!tooLong) {
                        cell.append((char) c);
                    }
                } else if (c == '"' && !started) {
                    quoted = true;
                    started = true;
                } else if (c == ',') {
                    if (!tooLong) cells.add(cell.toString());
                    cell.setLength(0);
                    started = false;
                } else if (c == '\n' || c < 0) {
                    if (!tooLong) cells.add(cell.toString());
                    return cells;
                } else if (c == '\r') {
                    int d = read();
                    if (d != '\n') unread(d);
                    if (!tooLong) cells.add(cell.toString());
                    return cells;
                } else {
                    started = true;
                    if (!tooLong) cell.append((char) c);
                }
                c = read();
            }
        }
    }
}
