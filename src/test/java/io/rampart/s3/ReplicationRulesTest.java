package io.rampart.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.storage.ObjectMeta;
import io.rampart.storage.ObjectVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which rules replicate a version, and the operator's targets file: pure logic, no server. */
class ReplicationRulesTest {

    static ObjectVersion version(String key, Map<String, String> tags, boolean deleteMarker) {
        return new ObjectVersion(
                "src",
                key,
                "v1",
                1,
                true,
                deleteMarker,
                0,
                "",
                0,
                ObjectMeta.builder().tags(tags).build(),
                List.of(),
                null,
                null,
                null);
    }

    static ReplicationConfiguration parse(String rules) {
        return ReplicationConfiguration.parse(
                ("<ReplicationConfiguration><Role>r</Role>" + rules + "</ReplicationConfiguration>")
                        .getBytes(StandardCharsets.UTF_8));
    }

    static String v2Rule(String id, int priority, String filter, String dest, String deleteMarkers) {
        return "<Rule><ID>" + id + "</ID><Priority>" + priority + "</Priority><Filter>" + filter
                + "</Filter><Status>Enabled</Status>"
                + "<DeleteMarkerReplication><Status>" + deleteMarkers + "</Status></DeleteMarkerReplication>"
                + "<Destination><Bucket>arn:aws:s3:::" + dest + "</Bucket></Destination></Rule>";
    }

    @Test
    void theHighestPriorityRuleWinsPerDestinationAndEachDestinationGetsOne() {
        ReplicationConfiguration c = parse(v2Rule("low", 1, "<Prefix></Prefix>", "a", "Disabled")
                + v2Rule("high", 5, "<Prefix>docs/</Prefix>", "a", "Disabled")
                + v2Rule("other", 3, "<Prefix></Prefix>", "b", "Disabled"));
        assertThat(c.rulesFor(version("docs/x", Map.of(), false)))
                .extracting(ReplicationConfiguration.Rule::id)
                .containsExactlyInAnyOrder("high", "other");
        assertThat(c.rulesFor(version("img/x", Map.of(), false)))
                .extracting(ReplicationConfiguration.Rule::id)
                .containsExactlyInAnyOrder("low", "other");
    }

    @Test
    void tagFiltersSelectObjectsByTheirTagsAndNeverDeleteMarkers() {
        ReplicationConfiguration c = parse(v2Rule(
                "t", 1, "<And><Prefix>p/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And>", "a", "Disabled"));
        assertThat(c.rulesFor(version("p/1", Map.of("k", "v"), false))).hasSize(1);
        assertThat(c.rulesFor(version("p/1", Map.of("k", "w"), false))).isEmpty();
        assertThat(c.rulesFor(version("q/1", Map.of("k", "v"), false))).isEmpty();
        assertThat(c.rulesFor(version("p/1", Map.of(), true))).isEmpty();
    }

    @Test
    void deleteMarkersFollowDeleteMarkerReplicationAndTheOlderSchemaAlwaysReplicatesThem() {
        assertThat(parse(v2Rule("on", 1, "", "a", "Enabled")).rulesFor(version("k", Map.of(), true)))
                .hasSize(1);
        assertThat(parse(v2Rule("off", 1, "", "a", "Disabled")).rulesFor(version("k", Map.of(), true)))
                .isEmpty();
        ReplicationConfiguration v1 = parse("<Rule><ID>v1</ID><Prefix>k</Prefix><Status>Enabled</Status>"
                + "<Destination><Bucket>arn:aws:s3:::a</Bucket></Destination></Rule>");
        assertThat(v1.rulesFor(version("k", Map.of(), true))).hasSize(1);
        assertThat(v1.rulesFor(version("x", Map.of(), true))).isEmpty();
    }

    @Test
    void disabledRulesReplicateNothing() {
        ReplicationConfiguration c = parse("<Rule><ID>d</ID><Prefix></Prefix><Status>Disabled</Status>"
                + "<Destination><Bucket>arn:aws:s3:::a</Bucket></Destination></Rule>");
        assertThat(c.rulesFor(version("k", Map.of(), false))).isEmpty();
    }

    @Test
    void targetsFileMapsBucketsToEndpointsWithoutShowingSecrets(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("targets.json");
        Files.writeString(f, """
                {"backup": {"endpoint": "https://backup.example:9000", "region": "eu-west-1",
                            "accessKeyId": "AKIAREMOTE", "secretAccessKey": "very-secret-value"}}
                """);
        ReplicationTargets t = ReplicationTargets.load(f);
        ReplicationTargets.Target b = t.forBucket("backup").orElseThrow();
        assertThat(b.endpoint().toString()).isEqualTo("https://backup.example:9000");
        assertThat(b.region()).isEqualTo("eu-west-1");
        assertThat(b.pathStyle()).isTrue();
        assertThat(b.secretAccessKey()).isEqualTo("very-secret-value");
        assertThat(b.toString()).doesNotContain("very-secret-value");
        assertThat(t.forBucket("other")).isEmpty();
    }

    @Test
    void aTargetReservedForAnAccountServesOnlyThatAccount(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("targets.json");
        Files.writeString(f, """
                {"open": {"endpoint": "http://a", "accessKeyId": "A", "secretAccessKey": "S"},
                 "mine": {"endpoint": "http://b", "accessKeyId": "A", "secretAccessKey": "S", "account": "111111111111"}}
                """);
        ReplicationTargets t = ReplicationTargets.load(f);
        assertThat(t.forBucket("open").orElseThrow().allows("222222222222")).isTrue();
        assertThat(t.forBucket("mine").orElseThrow().allows("111111111111")).isTrue();
        assertThat(t.forBucket("mine").orElseThrow().allows("222222222222")).isFalse();
    }

    @Test
    void aTargetWithoutItsSecretIsRefusedNamingTheFieldNotAValue(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("targets.json");
        Files.writeString(
                f,
                "{\"backup\": {\"endpoint\": \"ftp://x\", \"accessKeyId\": \"AKIA\", \"secretAccessKey\": \"s3cr3t\"}}");
        assertThatThrownBy(() -> ReplicationTargets.load(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http")
                .hasMessageNotContaining("s3cr3t");
        Files.writeString(f, "{\"backup\": {\"endpoint\": \"http://x\", \"accessKeyId\": \"AKIA\"}}");
        assertThatThrownBy(() -> ReplicationTargets.load(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secretAccessKey");
    }
}
