package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLine;
import java.util.List;

/**
 * A CloudTrail record as the rules read it ({@link RecordFields}' paths and derived fields): a parsed tree, or a line
 * the trail writer handed over in memory, which answers from its request's facts whatever they hold
 * ({@link TrailLine#values}) and builds its tree only for a path they cannot answer. Either way the answers are the
 * tree's ({@code RecordViewTest}), so a rule sees the same record whichever way it came.
 */
public abstract sealed class RecordView {
    private RecordView() {}

    /** A parsed record (a line read from a file, an export, the cluster's feed). */
    public static RecordView of(JsonNode tree) {
        return new Tree(tree);
    }

    /** A line handed over in memory: its tree is built only if a rule asks for what the facts cannot answer. */
    public static RecordView of(TrailLine line) {
        return new Line(line);
    }

    /** Every value at {@code path}: {@link RecordFields#values}. */
    public abstract List<String> values(String path);

    /** Whether any node is at {@code path} (a value, an object or a list): {@link RecordFields#hasNode}. */
    public abstract boolean hasNode(String path);

    /** The record's tree (built now for a line that was not asked for it yet). */
    public abstract JsonNode tree();

    /** The nodes at {@code path}: {@link RecordFields#nodes} of the tree. */
    public List<JsonNode> nodes(String path) {
        return RecordFields.nodes(tree(), path);
    }

    /** The first value at {@code path}, or null. */
    public String first(String path) {
        List<String> v = values(path);
        return v.isEmpty() ? null : v.get(0);
    }

    /** Epoch milliseconds of its time, or {@link EventTimes#MISSING} / {@link EventTimes#INVALID}. */
    abstract long time();

    /** The event's id for evidence: {@link RecordFields#eventId}. */
    abstract String eventId();

    private static final class Tree extends RecordView {
        private final JsonNode tree;

        Tree(JsonNode tree) {
            this.tree = tree;
        }

        @Override
        public List<String> values(String path) {
            return RecordFields.values(tree, path);
        }

        @Override
        public boolean hasNode(String path) {
            return !path.startsWith("@") && RecordFields.hasNode(tree, path);
        }

        @Override
        public JsonNode tree() {
            return tree;
        }

        @Override
        long time() {
            return EventTimes.of(tree);
        }

        @Override
        String eventId() {
            return RecordFields.eventId(tree);
        }
    }

    /**
     * A line's facts first, its tree when they cannot say. Derived fields are worked out from the facts' answers as
     * {@link RecordFields} works them out from the tree; those that need more than they answer (a policy, a lifecycle
     * configuration, the resources list) from the tree.
     */
    private static final class Line extends RecordView {
        private final TrailLine line;
        private JsonNode tree;

        Line(TrailLine line) {
            this.line = line;
        }

        @Override
        public List<String> values(String path) {
            if (path.startsWith("@")) {
                List<String> d = derived(path);
                return d != null ? d : RecordFields.values(tree(), path);
            }
            List<String> v = line.values(RecordFields.parts(path));
            return v != null ? v : RecordFields.values(tree(), path);
        }

        @Override
        public boolean hasNode(String path) {
            if (path.startsWith("@")) return false;
            // A path the facts answer leads to a value or to nothing (an object or a list is theirs to leave).
            List<String> v = line.values(RecordFields.parts(path));
            return v != null ? !v.isEmpty() : RecordFields.hasNode(tree(), path);
        }

        @Override
        public JsonNode tree() {
            JsonNode t = tree;
            if (t == null) {
                try {
                    t = line.record();
                } catch (RuntimeException e) {
                    throw new Unbuilt(e);
                }
                tree = t;
            }
            return t;
        }

        @Override
        long time() {
            List<String> t = line.values(EVENT_TIME);
            if (t == null) return EventTimes.of(tree());
            return t.isEmpty() ? EventTimes.MISSING : EventTimes.parse(t.get(0).trim());
        }

        @Override
        String eventId() {
            List<String> id = text("eventID");
            if (id != null && id.isEmpty()) id = text("requestID");
            return id == null ? RecordFields.eventId(tree()) : id.isEmpty() ? null : id.get(0);
        }

        private static final String[] EVENT_TIME = {"eventTime"};

        /**
         * RecordFields.text of the node at a path without arrays, as a list: its one non-empty value, or none; null
         * when the facts cannot say.
         */
        private List<String> text(String path) {
            List<String> v = line.values(RecordFields.parts(path));
            if (v == null || v.size() > 1) return null;
            return v.isEmpty() || v.get(0).isEmpty() ? List.of() : v;
        }

        /**
         * {@link RecordFields#derived} from the facts' answers (none or one value), or null when they do not hold what
         * it needs.
         */
        private List<String> derived(String name) {
            return switch (name) {
                case "@accessKey" -> text("userIdentity.accessKeyId");
                case "@principal" -> principal();
                case "@bucket" -> bucket();
                case "@object" -> {
                    List<String> b = bucket();
                    List<String> k = text("requestParameters.key");
                    if (b == null || k == null) yield null;
                    yield b.isEmpty() || k.isEmpty() ? List.of() : List.of(b.get(0) + "/" + k.get(0));
                }
                case "@copySource" -> {
                    List<String> s = text("requestParameters.x-amz-copy-source");
                    yield s == null ? null : s.isEmpty() ? List.of() : single(RecordFields.copySource(s.get(0)));
                }
                case "@userAgentProduct" -> {
                    List<String> ua = text("userAgent");
                    yield ua == null
                            ? null
                            : ua.isEmpty() ? List.of() : single(RecordFields.userAgentProductOf(ua.get(0)));
                }
                case "@sourceNetwork" -> {
                    List<String> ip = text("sourceIPAddress");
                    yield ip == null
                            ? null
                            : ip.isEmpty() ? List.of() : single(RecordFields.sourceNetworkOf(ip.get(0)));
                }
                default -> null;
            };
        }

        private static List<String> single(String v) {
            return v == null ? List.of() : List.of(v);
        }

        private List<String> principal() {
            List<String> arn = text("userIdentity.arn");
            if (arn == null || !arn.isEmpty()) return arn;
            List<String> pid = text("userIdentity.principalId");
            if (pid == null || !pid.isEmpty()) return pid;
            return text("userIdentity.invokedBy");
        }

        /** requestParameters.bucketName, else the resources list (which only the tree holds). */
        private List<String> bucket() {
            List<String> b = text("requestParameters.bucketName");
            return b == null || b.isEmpty() ? null : b;
        }
    }

    /** A line whose tree could not be built from its facts (never expected): its bytes are the record. */
    static final class Unbuilt extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unbuilt(RuntimeException cause) {
            super(cause);
        }
    }
}
