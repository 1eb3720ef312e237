package io.rampart.iam;

import io.rampart.it.TestPostgres;
import io.rampart.storage.Database;
import io.rampart.storage.MetadataLocation;
import java.nio.file.Path;

/** {@link OrganizationTreeTest} with the organisation in PostgreSQL: a fresh database for each test. */
class OrganizationTreeOnPostgresTest extends OrganizationTreeTest {
    private final MetadataLocation.Postgres location = TestPostgres.freshDatabase();

    @Override
    protected Database openDatabase() throws Exception {
        return Database.open(location, Path.of("unused"));
    }
}
