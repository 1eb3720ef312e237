package io.rampart.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * This node's identity among the processes serving one metadata database: created once and kept in the data directory
 * ({@code node-id}), or given by the operator ({@code --node-id}). It names the node's own trail files and digest
 * chain, as a region names CloudTrail's, so it must stay the same across restarts and differ between nodes.
 */
public record NodeId(String value) {
    /** The file in the data directory that keeps the id. */
    public static final String FILE = "node-id";

    /** Lower-case letters, digits and inner hyphens, 1 to 32 characters: safe in file names and CloudTrail fields. */
    private static final Pattern VALID = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?");

    public NodeId {
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid node id '" + value
                    + "': 1 to 32 lower-case letters, digits and hyphens, starting and ending with a letter or digit");
        }
    }

    /**
     * The node's id: {@code configured} when given (kept in the data directory when it holds none yet), else the one
     * the data directory keeps, else a new random one, kept there (0600) for the next start.
     */
    public static NodeId resolve(Path dataDir, String configured) throws IOException {
        Path file = dataDir.resolve(FILE);
        NodeId kept = null;
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            try {
                kept = new NodeId(text);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
        if (configured != null) {
            NodeId given = new NodeId(configured);
            if (kept == null) keep(file, given);
            return given;
        }
        if (kept != null) return kept;
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        NodeId fresh = new NodeId(HexFormat.of().formatHex(random));
        keep(file, fresh);
        return fresh;
    }

    private static void keep(Path file, NodeId id) throws IOException {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.writeString(Files.createFile(tmp, OwnerOnly.file()), id.value() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String toString() {
        return value;
    }
}
