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
    private static final Map<String, String> NAMES = names("eventVersion", "userIdentity", "eventTime", "eventSource",
            "eventName", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
            "responseElements", "additionalEventData", "requestID", "eventID", "resources", "eventType", "apiVersion",
            "readOnly", "recipientAccountId", "serviceEventDetails", "sharedEventID", "vpcEndpointId", "eventCategory",
            "managementEvent", "tlsDetails", "tlsVersion", "cipherSuite", "clientProvidedHostHeader", "type",
            "principalId", "arn", "accountId", "invokedBy", "accessKeyId", "userName", "sessionContext", "attributes",
            "mfaAuthenticated", "creationDate", "sessionIssuer", "webIdFederationData", "sourceIdentity");

    private CsvExport() { }

    private static Map<String, String> names(String... names) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String n : names) m.put(n.toLowerCase(Locale.ROOT), n);
        return Map.copyOf(m);
    }

    /** Whether the text starts like a CSV export (a header row), not JSON. */
    static boolean looksLikeCsv(int firstNonBlank) {
        return firstNonBlank == '"' || Character.isLetter(firstNonBlank);
    }

    static long read(Reader in, Consumer<JsonNode> sink, Consumer<String> skipped) throws IOException {
        CsvRows rows = new CsvRows(in);
        List<String> header = rows.next();
        if (header == null) return 0;
        List<String> columns = new ArrayList<>();
        for (String h : header) {
            String name = h.replace("\uFEFF", "").trim();
            columns.add(NAMES.getOrDefault(name.toLowerCase(Locale.ROOT), name));
        }
        if (!columns.contains("eventName")) throw new IOException("not a CloudTrail CSV export: no eventName column");
        long n = 0;
        long row = 1;
        List<String> cells;
        while ((cells = rows.next()) != null) {
            row++;
            if (cells.size() == 1 && cells.get(0).isBlank()) continue;
            if (cells.size() != columns.size()) {
                skipped.accept("CSV row " + row + " has " + cells.size() + " cells, the header " + columns.size());
                continue;
            }
            ObjectNode r = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < columns.size(); i++) {
                JsonNode v = value(cells.get(i), columns.get(i).equals("resources"));
                if (v != null) r.set(columns.get(i), v);
            }
            sink.accept(r);
            n++;
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
                String name = resources && depth == 1 && k.equals("arn") ? "ARN" : NAMES.getOrDefault(k.toLowerCase(Locale.ROOT), k);
                if (v != null) o.set(name, v);
                if (s.startsWith(", ", pos)) pos += 2;
            }
            pos++;
            return o;
        }
    }

    /** RFC 4180 rows: quoted cells may hold commas, quotes ("") and line breaks. */
    private static final class CsvRows {
        private final Reader in;
        private int peeked = -2;

        CsvRows(Reader in) {
            this.in = in;
        }

        private int read() throws IOException {
            if (peeked != -2) {
                int c = peeked;
                peeked = -2;
                return c;
            }
            return in.read();
        }

        List<String> next() throws IOException {
            int c = read();
            if (c < 0) return null;
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            while (true) {
                if (quoted) {
                    if (c < 0) throw new IOException("CSV: a quoted cell is not closed");
                    if (c == '"') {
                        int d = read();
                        if (d == '"') cell.append('"');
                        else {
                            quoted = false;
                            c = d;
                            continue;
                        }
                    } else {
                        cell.append((char) c);
                    }
                } else if (c == '"' && cell.isEmpty()) {
                    quoted = true;
                } else if (c == ',') {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else if (c == '\n' || c < 0) {
                    cells.add(cell.toString());
                    return cells;
                } else if (c == '\r') {
                    int d = read();
                    if (d != '\n') peeked = d;
                    cells.add(cell.toString());
                    return cells;
                } else {
                    cell.append((char) c);
                }
                c = read();
            }
        }
    }
}
