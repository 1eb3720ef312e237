package io.rampart.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.storage.MetadataLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code server --metadata}: the password from the URL, else the password file, else RAMPART_METADATA_PASSWORD. */
class MetadataOptionTest {
    @TempDir
    Path dir;

    @Test
    void passwordComesFromTheUrlThenTheFileThenTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "from-file\nignored\n");
        String url = "postgresql://rampart@db:5432/meta";
        assertThat(pg(ServerCommand.metadataLocation(url, file, "from-env")).password())
                .isEqualTo("from-file");
        assertThat(pg(ServerCommand.metadataLocation(url, null, "from-env")).password())
                .isEqualTo("from-env");
        assertThat(pg(ServerCommand.metadataLocation(url, null, null)).password())
                .isNull();
        assertThat(pg(ServerCommand.metadataLocation("postgresql://rampart:in-url@db/meta", file, "from-env"))
                        .password())
                .isEqualTo("in-url");
    }

    @Test
    void sqliteIsTheDefaultAndTakesNoPasswordFile() throws Exception {
        assertThat(ServerCommand.metadataLocation(null, null, "from-env")).isSameAs(MetadataLocation.SQLITE);
        Path file = Files.writeString(dir.resolve("pw"), "x");
        assertThatThrownBy(() -> ServerCommand.metadataLocation(null, file, null))
                .hasMessageContaining("--metadata-password-file needs a postgresql:// --metadata");
        assertThatThrownBy(() -> ServerCommand.metadataLocation("postgresql://u@db/meta", dir.resolve("missing"), null))
                .hasMessageContaining("cannot be read");
    }

    private static MetadataLocation.Postgres pg(MetadataLocation location) {
        return (MetadataLocation.Postgres) location;
    }
}
