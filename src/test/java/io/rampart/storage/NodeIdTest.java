package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeIdTest {
    @TempDir
    Path dataDir;

    @Test
    void aNodeIdIsCreatedOnceKeptOwnerOnlyAndTheSameAtTheNextStart() throws Exception {
        NodeId first = NodeId.resolve(dataDir, null);
        assertThat(first.value()).matches("[0-9a-f]{8}");
        Path file = dataDir.resolve(NodeId.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(NodeId.resolve(dataDir, null)).isEqualTo(first);
    }

    @Test
    void aGivenNodeIdIsUsedAndKeptOnlyWhenTheDataDirectoryHasNone() throws Exception {
        assertThat(NodeId.resolve(dataDir, "node-1").value()).isEqualTo("node-1");
        assertThat(NodeId.resolve(dataDir, null).value()).isEqualTo("node-1");
        // Given again differently: used for this start, the kept one is left as it is.
        assertThat(NodeId.resolve(dataDir, "node-2").value()).isEqualTo("node-2");
        assertThat(NodeId.resolve(dataDir, null).value()).isEqualTo("node-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Node1", "node_1", "-node", "node-", "a/b", "n.1", "0123456789abcdef0123456789abcdef0"})
    void idsThatCannotNameAFileUnambiguouslyAreRefused(String id) {
        assertThatThrownBy(() -> new NodeId(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDamagedNodeIdFileStopsTheStartRatherThanStartingANewChain() throws Exception {
        Files.writeString(dataDir.resolve(NodeId.FILE), "not/an id\n");
        assertThatThrownBy(() -> NodeId.resolve(dataDir, null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("invalid node id");
    }
}
