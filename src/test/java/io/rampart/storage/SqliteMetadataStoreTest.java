package io.rampart.storage;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.io.TempDir;

/** The {@link MetadataStore} contract on the embedded SQLite database. */
class SqliteMetadataStoreTest extends MetadataStoreContract {
    @TempDir
    Path dir;

    @Override
    protected MetadataStore open(Consumer<String> releaseBlob) throws Exception {
        return new SqliteMetadataStore(SqliteMetadataStore.openDatabase(dir.resolve("rampart.db")), releaseBlob);
    }

    @Override
    protected RecoveryWindow window(MetadataStore store) {
        return ((SqliteMetadataStore) store).recoveryWindow();
    }
}
