package io.rampart.storage;

import io.rampart.it.TestPostgres;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The {@link MetadataStore} contract on PostgreSQL: a fresh database for each test. */
class PostgresMetadataStoreTest extends MetadataStoreContract {
    @Override
    protected MetadataStore open(Consumer<String> releaseBlob) throws Exception {
        return new SqliteMetadataStore(Database.open(TestPostgres.freshDatabase(), Path.of("unused")), releaseBlob);
    }

    @Override
    protected RecoveryWindow window(MetadataStore store) {
        return ((SqliteMetadataStore) store).recoveryWindow();
    }
}
