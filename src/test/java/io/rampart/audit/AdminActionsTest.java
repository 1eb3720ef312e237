package io.rampart.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.crypto.MasterKey;
import io.rampart.storage.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The owner's offline actions reach the trail once each, in order, and an unreadable row never stalls the drain. */
class AdminActionsTest {
    private static final MasterKey MASTER = MasterKey.of(new byte[32]);

    @TempDir
    Path dir;

    @Test
    void eachActionIsDrainedIntoTheTrailOnceInOrderAsTheRootFromLocalhost() throws Exception {
        List<String> seen = new ArrayList<>();
        try (Database db = new Database(dir.resolve("rampart.db"), 2);
                TrailWriter trail = TrailWriter.open(
                        dir.resolve("trail"),
                        TrailWriter.Options.defaults("111122223333", "us-east-1"),
                        MASTER,
                        db,
                        Clock.systemUTC())) {
            AdminActions actions = new AdminActions(db);
            actions.record(
                    "111122223333",
                    "create-admin-key",
                    false,
                    Map.of("userName", "admin"),
                    Map.of("accessKeyId", "AKIANEW"),
                    null);
            actions.record(
                    "111122223333",
                    "activate-key",
                    false,
                    Map.of("accessKeyId", "AKIAOLD"),
                    Map.of(),
                    "no access key AKIAOLD");
            // A row no code of ours wrote: it still goes to the trail, marked, and the ones after it too.
            db.write(
                    c -> c.createStatement()
                            .executeUpdate(
                                    "INSERT INTO admin_actions(time, account, event_name, read_only, "
                                            + "request, response, agent) VALUES(CAST(strftime('%s','now') AS INTEGER) * 1000, '111122223333', 'list-users', 1, 'not json', '{}', 'x')"));
            actions.record("111122223333", "list-keys", true, Map.of(), Map.of(), null);

            assertThat(actions.drain(trail, "us-east-1", batch -> batch.forEach(a -> seen.add(a.eventName()))))
                    .isEqualTo(4);
            assertThat(actions.drain(trail, "us-east-1", batch -> batch.forEach(a -> seen.add(a.eventName()))))
                    .isZero();
            assertThat(actions.pending()).isEmpty();
        }
        assertThat(seen).containsExactly("create-admin-key", "activate-key", "list-users", "list-keys");
        List<JsonNode> records = TrailQuery.all().run(new TrailLayout(dir.resolve("trail")));
        assertThat(records)
                .extracting(r -> r.path("eventName").asText())
                .containsExactly("create-admin-key", "activate-key", "list-users", "list-keys");
        JsonNode create = records.get(0);
        assertThat(create.path("eventSource").asText()).isEqualTo("rampart.admin");
        assertThat(create.path("userIdentity").path("type").asText()).isEqualTo("Root");
        assertThat(create.path("userIdentity").path("arn").asText()).isEqualTo("arn:aws:iam::111122223333:root");
        assertThat(create.path("sourceIPAddress").asText()).isEqualTo("localhost");
        assertThat(create.path("responseElements").path("accessKeyId").asText()).isEqualTo("AKIANEW");
        assertThat(create.path("readOnly").asBoolean()).isFalse();
        assertThat(records.get(1).path("errorMessage").asText()).isEqualTo("no access key AKIAOLD");
        assertThat(records.get(2).path("requestParameters").path("unreadable").asText())
                .isEqualTo("not json");
        assertThat(records.get(3).path("readOnly").asBoolean()).isTrue();
        // The event id derives from the row: a repeat after a crash between write and mark is recognisable.
        assertThat(records).extracting(r -> r.path("eventID").asText()).doesNotHaveDuplicates();
    }
}
