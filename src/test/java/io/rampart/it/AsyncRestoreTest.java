package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/** The admin restore API as a background job: started with "async", polled by id until it is done. */
class AsyncRestoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RampartExtension RAMPART = RampartExtension.withDefaults();

    static RampartServer server;
    static S3Client s3;
    static RawS3 raw;

    @BeforeAll
    static void start() throws Exception {
        server = RAMPART.server();
        s3 = RAMPART.s3();
        raw = RAMPART.raw();
    }

    static JsonNode json(RawS3.Reply r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + r.text(), e);
        }
    }

    static RawS3.Reply post(String body) {
        return raw.signed(
                "POST",
                "/_rampart/admin/restore",
                Map.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode awaitJob(String id) {
        JsonNode[] last = new JsonNode[1];
        Await.until("restore job " + id + " done", () -> {
            RawS3.Reply r = raw.signed("GET", "/_rampart/admin/restore/jobs/" + id, Map.of(), null);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            last[0] = json(r).get("job");
            return !"RUNNING".equals(last[0].path("state").asText());
        });
        return last[0];
    }

    @Test
    void anAsyncRestoreAnswersAJobIdAndItsStatusShowsTheOutcome() throws Exception {
        s3.createBucket(b -> b.bucket("async-restore"));
        s3.putBucketVersioning(
                b -> b.bucket("async-restore").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        for (int i = 0; i < 20; i++) {
            String key = "k" + i;
            s3.putObject(b -> b.bucket("async-restore").key(key), RequestBody.fromString("good-" + key));
        }
        Thread.sleep(20);
        Instant before = Instant.now();
        Thread.sleep(20);
        for (int i = 0; i < 20; i++) {
            String key = "k" + i;
            s3.putObject(b -> b.bucket("async-restore").key(key), RequestBody.fromString("bad"));
        }

        RawS3.Reply started =
                post("{\"bucket\": \"async-restore\", \"to\": \"" + before + "\", \"apply\": true, \"async\": true}");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        JsonNode job = json(started).get("job");
        String id = job.get("id").asText();
        assertThat(id).startsWith("restore-");
        assertThat(job.get("bucket").asText()).isEqualTo("async-restore");
        assertThat(job.get("apply").asBoolean()).isTrue();

        JsonNode done = awaitJob(id);
        assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.path("summary").path("restore").asLong()).isEqualTo(20);
        assertThat(done.path("summary").path("applied").asBoolean()).isTrue();
        assertThat(done.path("counts").path("restore").asLong()).isEqualTo(20);
        assertThat(done.has("finished")).isTrue();
        for (int i = 0; i < 20; i++) {
            String key = "k" + i;
            assertThat(s3.getObjectAsBytes(b -> b.bucket("async-restore").key(key))
                            .asUtf8String())
                    .isEqualTo("good-" + key);
        }

        RawS3.Reply list = raw.signed("GET", "/_rampart/admin/restore/jobs", Map.of(), null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(json(list).get("jobs").findValuesAsText("id")).contains(id);
    }

    @Test
    void aJobThatCannotRunEndsFailedWithTheS3Error() {
        RawS3.Reply started = post("{\"bucket\": \"no-such-bucket-here\", \"to\": \"-1h\", \"async\": true}");
        assertThat(started.status()).isEqualTo(202);
        JsonNode done = awaitJob(json(started).get("job").get("id").asText());
        assertThat(done.get("state").asText()).isEqualTo("FAILED");
        assertThat(done.path("error").path("code").asText()).isEqualTo("NoSuchBucket");
    }

    @Test
    void anUnknownJobIsNotFoundAndTheSynchronousFormStillStreamsItsSummary() {
        RawS3.Reply unknown = raw.signed("GET", "/_rampart/admin/restore/jobs/restore-000", Map.of(), null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(json(unknown).path("error").path("code").asText()).isEqualTo("NoSuchKey");

        s3.createBucket(b -> b.bucket("sync-restore"));
        s3.putBucketVersioning(
                b -> b.bucket("sync-restore").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        RawS3.Reply sync = post("{\"bucket\": \"sync-restore\", \"to\": \"-1h\"}");
        assertThat(sync.status()).isEqualTo(200);
        assertThat(sync.header("content-type")).isEqualTo("application/x-ndjson");
        assertThat(sync.text()).contains("\"summary\"");
    }
}
