package io.rampart.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.s3.Operation;
import io.rampart.xml.XmlElement;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration documents CloudTrail shows inside requestParameters, as JSON: the bucket policy as it was sent
 * ({@code bucketPolicy}), and XML configurations converted element by element ({@code LifecycleConfiguration},
 * {@code VersioningConfiguration}, {@code ServerSideEncryptionConfiguration}, {@code ObjectLockConfiguration},
 * {@code PublicAccessBlockConfiguration}, {@code BucketLoggingStatus}): repeated elements become arrays, leaves strings
 * except the counts (Days, NoncurrentDays, NewerNoncurrentVersions...) and flags (BlockPublicAcls...) that CloudTrail
 * writes as numbers and booleans, the namespace {@code xmlns}. Detection rules read them. Which operation carries
 * which document is {@link Operation#trailDocument()}.
 */
final class TrailDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * As large as any configuration body may be ({@link BodyLimits#MAX_XML}): padding a document with whitespace or
     * comments must not keep it out of the trail (its JSON drops both, and the record's own bounds apply after).
     */
    static final int MAX = (int) BodyLimits.MAX_XML;
    /** Leaves CloudTrail writes as JSON numbers (Panther's and others' rules compare them as numbers). */
    private static final java.util.Set<String> NUMBERS = java.util.Set.of(
            "Days",
            "NoncurrentDays",
            "NewerNoncurrentVersions",
            "DaysAfterInitiation",
            "Years",
            "ObjectSizeGreaterThan",
            "ObjectSizeLessThan",
            "Priority");
    /** Leaves CloudTrail writes as JSON booleans. */
    private static final java.util.Set<String> BOOLEANS =
            java.util.Set.of("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets");

    private TrailDocuments() {}

    static boolean captures(Operation op) {
        return op.trailDocument().isPresent();
    }

    /** The body as its requestParameters entry; empty when it is not a document of {@code op} or does not parse. */
    static Map<String, JsonNode> of(Operation op, byte[] body) {
        Operation.TrailDocument document = op.trailDocument().orElse(null);
        if (document == null || body == null || body.length == 0 || body.length > MAX) return Map.of();
        String name = document.parameterName();
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (document.json()) {
            try {
                out.put(name, JSON.readTree(body));
            } catch (IOException e) {
                return Map.of();
            }
            return out;
        }
        try {
            XmlElement root = XmlElement.parse(body);
            ObjectNode n = root.children().isEmpty() ? JsonNodeFactory.instance.objectNode() : (ObjectNode) json(root);
            n.put("xmlns", "http://s3.amazonaws.com/doc/2006-03-01/");
            out.put(name, n);
        } catch (XmlElement.MalformedXmlException | ClassCastException e) {
            return Map.of();
        }
        return out;
    }

    private static JsonNode json(XmlElement e) {
        if (e.children().isEmpty()) {
            String text = e.text().trim();
            if (NUMBERS.contains(e.name()) && text.matches("-?\\d{1,18}"))
                return JsonNodeFactory.instance.numberNode(Long.parseLong(text));
            if (BOOLEANS.contains(e.name()) && (text.equals("true") || text.equals("false"))) {
                return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(text));
            }
            return JsonNodeFactory.instance.textNode(text);
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        Map<String, List<XmlElement>> groups = new LinkedHashMap<>();
        for (XmlElement c : e.children())
            groups.computeIfAbsent(c.name(), k -> new java.util.ArrayList<>()).add(c);
        groups.forEach((k, list) -> {
            if (list.size() == 1) {
                o.set(k, json(list.get(0)));
            } else {
                ArrayNode a = o.putArray(k);
                for (XmlElement c : list) a.add(json(c));
            }
        });
        return o;
    }

    /** Passes the body through, keeping a copy of its first {@link #MAX} bytes. */
    static final class Tee extends FilterInputStream {
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        private boolean overflow;

        Tee(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) keep(new byte[] {(byte) b}, 0, 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) keep(b, off, n);
            return n;
        }

        private void keep(byte[] b, int off, int n) {
            if (overflow) return;
            if (copy.size() + n > MAX) {
                overflow = true;
                return;
            }
            copy.write(b, off, n);
        }

        byte[] bytes() {
            return overflow ? null : copy.toByteArray();
        }
    }
}
