package io.rampart.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.audit.TrailLayout;
import io.rampart.audit.TrailQuery;
import io.rampart.http.Rampart;
import io.rampart.s3.S3Settings;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * The public SIEM rules for the SSE-C ransomware attack, re-implemented from their published rule text, evaluated on
 * Rampart's own trail after a replayed attack, over plain HTTP and over HTTPS:
 * <ul>
 *   <li>Elastic "Excessive AWS S3 Object Encryption with SSE-C" (threshold): successful PutObject or CopyObject of
 *   s3.amazonaws.com whose request parameter x-amz-server-side-encryption-customer-algorithm is AES256, at least 20
 *   per {@code tls.client.server_name} (ECS's name for tlsDetails.clientProvidedHostHeader);</li>
 *   <li>Elastic "Unusual AWS S3 Object Encryption with SSE-C" (new terms): the same query on PutObject, a new
 *   combination of cloud.account.id, user.name and tls.client.server_name (all three must be present);</li>
 *   <li>Panther "AWS.S3.CopyObjectWithClientSideEncryption": successful s3.amazonaws.com CopyObject with the SSE-C
 *   algorithm parameter present, 50 per actor and bucket (its title) within its 60-minute dedup period;</li>
 *   <li>Panther "AWS.CloudTrail.ShortLifecycle": a successful PutBucketLifecycle on a bucket whose name contains
 *   "trail", its Rule enabled, its Expiration.Days a number below 7.</li>
 * </ul>
 */
class SiemRulesOnTrailTest {
    private static final int OBJECTS = 50;

    /** The ECS fields Elastic's AWS CloudTrail integration derives from a record, as far as these rules use them. */
    record Ecs(
            String provider,
            String action,
            String outcome,
            String serverName,
            String userName,
            String account,
            JsonNode requestParameters) {
        static Ecs of(JsonNode r) {
            JsonNode id = r.path("userIdentity");
            String user = id.hasNonNull("userName")
                    ? id.path("userName").asText()
                    : id.path("arn").asText().contains("/")
                            ? id.path("arn")
                                    .asText()
                                    .substring(id.path("arn").asText().lastIndexOf('/') + 1)
                            : "Root".equals(id.path("type").asText()) ? "root" : null;
            return new Ecs(
                    r.path("eventSource").asText(),
                    r.path("eventName").asText(),
                    r.hasNonNull("errorCode") ? "failure" : "success",
                    r.path("tlsDetails").hasNonNull("clientProvidedHostHeader")
                            ? r.path("tlsDetails")
                                    .path("clientProvidedHostHeader")
                                    .asText()
                            : null,
                    user,
                    r.path("recipientAccountId").asText(null),
                    r.path("requestParameters"));
        }

        boolean sseCQuery(Set<String> actions) {
            return "s3.amazonaws.com".equals(provider)
                    && actions.contains(action)
                    && "success".equals(outcome)
                    && "AES256"
                            .equals(requestParameters
                                    .path("x-amz-server-side-encryption-customer-algorithm")
                                    .asText());
        }
    }

    /** Elastic's threshold rule: groups (by tls.client.server_name; documents without the field are not counted). */
    static Map<String, Integer> elasticThreshold(List<JsonNode> trail) {
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode r : trail) {
            Ecs e = Ecs.of(r);
            if (e.sseCQuery(Set.of("PutObject", "CopyObject")) && e.serverName() != null)
                counts.merge(e.serverName(), 1, Integer::sum);
        }
        counts.values().removeIf(n -> n < 20);
        return counts;
    }

    /** Elastic's new terms rule: the tuples first seen among matching documents (every field must have a value). */
    static Set<List<String>> elasticNewTerms(List<JsonNode> history, List<JsonNode> trail) {
        Set<List<String>> seen = new HashSet<>();
        for (JsonNode r : history) {
            Ecs e = Ecs.of(r);
            if (e.sseCQuery(Set.of("PutObject")))
                seen.add(java.util.Arrays.asList(e.account(), e.userName(), e.serverName()));
        }
        Set<List<String>> alerts = new HashSet<>();
        for (JsonNode r : trail) {
            Ecs e = Ecs.of(r);
            if (!e.sseCQuery(Set.of("PutObject"))
                    || e.account() == null
                    || e.userName() == null
                    || e.serverName() == null) continue;
            List<String> terms = List.of(e.account(), e.userName(), e.serverName());
            if (seen.add(terms)) alerts.add(terms);
        }
        return alerts;
    }

    /** Panther's CopyObject-with-SSE-C rule, thresholded per its dedup string (actor and bucket). */
    static Map<String, Integer> pantherCopyObject(List<JsonNode> trail) {
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode r : trail) {
            boolean match = !r.hasNonNull("errorCode")
                    && "s3.amazonaws.com".equals(r.path("eventSource").asText())
                    && "CopyObject".equals(r.path("eventName").asText())
                    && r.path("requestParameters").hasNonNull("x-amz-server-side-encryption-customer-algorithm");
            if (match)
                counts.merge(
                        r.path("userIdentity").path("arn").asText() + " "
                                + r.path("requestParameters").path("bucketName").asText(),
                        1,
                        Integer::sum);
        }
        counts.values().removeIf(n -> n < 50);
        return counts;
    }

    /** Panther's ShortLifecycle: fails (TypeError in Python) on a Days that is not a number; here, it does not match. */
    static boolean pantherShortLifecycle(JsonNode r) {
        if (r.hasNonNull("errorCode")
                || !"PutBucketLifecycle".equals(r.path("eventName").asText())) return false;
        String bucket = r.path("requestParameters").path("bucketName").asText("");
        if (!bucket.toLowerCase(java.util.Locale.ROOT).contains("trail")) return false;
        JsonNode rule =
                r.path("requestParameters").path("LifecycleConfiguration").path("Rule");
        if (!"Enabled".equals(rule.path("Status").asText())) return false;
        JsonNode days = rule.path("Expiration").path("Days");
        return days.isNumber() && days.asLong() < 7;
    }

    private static S3Client client(RampartServer server, io.rampart.iam.AccessKey key, boolean https) {
        S3ClientBuilder b = S3Client.builder()
                .endpointOverride(URI.create(server.endpoint().toString()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(key.accessKeyId(), key.secretKey())))
                .forcePathStyle(true);
        if (https)
            b.httpClient(Apache5HttpClient.builder()
                    .tlsTrustManagersProvider(server::selfSignedTrustManagers)
                    .build());
        return b.build();
    }

    private static List<JsonNode> await(RampartServer server, Predicate<List<JsonNode>> done) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            List<JsonNode> all = TrailQuery.all().run(TrailLayout.ofDataDir(server.dataDir()));
            if (done.test(all) || System.nanoTime() > deadline) return all;
            Thread.sleep(100);
        }
    }

    private void replayAndEvaluate(RampartServer server, boolean https) throws Exception {
        S3Client admin = https ? server.s3TrustingSelfSigned() : server.s3();
        io.rampart.iam.AccessKey stolen = server.rampart().iam().createUserWithKey("etl");
        var iam = software.amazon.awssdk.services.iam.IamClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY)));
        if (https)
            iam.httpClient(Apache5HttpClient.builder()
                    .tlsTrustManagersProvider(server::selfSignedTrustManagers)
                    .build());
        try (var client = iam.build()) {
            client.attachUserPolicy(b -> b.userName("etl").policyArn("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
        }
        admin.createBucket(b -> b.bucket("payroll"));
        admin.createBucket(b -> b.bucket("org-cloudtrail-logs"));
        for (int i = 0; i < OBJECTS; i++) {
            int n = i;
            admin.putObject(
                    b -> b.bucket("payroll").key("2025/slip-" + n + ".pdf"), RequestBody.fromString("slip " + n));
        }
        List<JsonNode> history = TrailQuery.all().run(TrailLayout.ofDataDir(server.dataDir()));

        // The attack, as the attacker sends it with the stolen long-lived key.
        SseCKey key = SseCKey.random();
        try (S3Client attacker = client(server, stolen, https)) {
            for (int i = 0; i < OBJECTS; i++) {
                String k = "2025/slip-" + i + ".pdf";
                attacker.copyObject(b -> b.sourceBucket("payroll")
                        .sourceKey(k)
                        .destinationBucket("payroll")
                        .destinationKey(k)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(key.base64())
                        .sseCustomerKeyMD5(key.md5()));
            }
            attacker.putObject(
                    b -> b.bucket("payroll")
                            .key("README-RANSOM.txt")
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(key.base64())
                            .sseCustomerKeyMD5(key.md5()),
                    RequestBody.fromString("pay"));
            attacker.putBucketLifecycleConfiguration(b -> b.bucket("org-cloudtrail-logs")
                    .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                            .id("nuke")
                            .status(ExpirationStatus.ENABLED)
                            .filter(LifecycleRuleFilter.builder().prefix("").build())
                            .expiration(e -> e.days(1))
                            .noncurrentVersionExpiration(
                                    n -> n.noncurrentDays(1).newerNoncurrentVersions(2))
                            .build())));
            attacker.putPublicAccessBlock(b -> b.bucket("payroll")
                    .publicAccessBlockConfiguration(p -> p.blockPublicAcls(true)
                            .ignorePublicAcls(true)
                            .blockPublicPolicy(false)
                            .restrictPublicBuckets(true)));
            attacker.deletePublicAccessBlock(b -> b.bucket("payroll"));
            attacker.deleteObjects(b -> b.bucket("payroll")
                    .delete(d -> d.objects(
                            ObjectIdentifier.builder().key("2025/slip-0.pdf").build())));
        }
        List<JsonNode> trail = await(
                server,
                t -> t.stream()
                        .anyMatch(r ->
                                "DetectorFinding".equals(r.path("eventName").asText())
                                        && "in-place-sse-c-reencryption"
                                                .equals(r.path("serviceEventDetails")
                                                        .path("rule")
                                                        .asText())));

        String host = "127.0.0.1:" + server.port();
        assertThat(elasticThreshold(trail))
                .as("Elastic threshold rule, by tls.client.server_name")
                .containsOnlyKeys(host)
                .containsEntry(host, OBJECTS + 1);
        assertThat(elasticNewTerms(history, trail))
                .as("Elastic new terms rule")
                .containsExactly(List.of(server.accountId(), "etl", host));
        assertThat(pantherCopyObject(trail)).as("Panther CopyObject with SSE-C").hasSize(1);
        assertThat(trail)
                .as("Panther ShortLifecycle")
                .filteredOn(SiemRulesOnTrailTest::pantherShortLifecycle)
                .hasSize(1);

        // Field by field as AWS writes them.
        JsonNode lifecycle = trail.stream()
                .filter(SiemRulesOnTrailTest::pantherShortLifecycle)
                .findFirst()
                .orElseThrow();
        JsonNode rule = lifecycle
                .path("requestParameters")
                .path("LifecycleConfiguration")
                .path("Rule");
        assertThat(rule.path("NoncurrentVersionExpiration")
                        .path("NoncurrentDays")
                        .isNumber())
                .isTrue();
        assertThat(rule.path("NoncurrentVersionExpiration")
                        .path("NewerNoncurrentVersions")
                        .isNumber())
                .isTrue();
        JsonNode pab = trail.stream()
                .filter(r ->
                        "PutBucketPublicAccessBlock".equals(r.path("eventName").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(pab.path("requestParameters")
                        .path("PublicAccessBlockConfiguration")
                        .path("BlockPublicPolicy")
                        .isBoolean())
                .isTrue();
        assertThat(pab.path("requestParameters")
                        .path("PublicAccessBlockConfiguration")
                        .path("BlockPublicPolicy")
                        .asBoolean())
                .isFalse();
        assertThat(trail)
                .anyMatch(r -> "DeleteBucketPublicAccessBlock"
                        .equals(r.path("eventName").asText()));
        assertThat(trail).noneMatch(r -> r.path("eventName").asText().matches("(Put|Delete|Get)PublicAccessBlock"));
        JsonNode del = trail.stream()
                .filter(r -> "DeleteObjects".equals(r.path("eventName").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(del.path("resources").get(0).path("type").asText()).isEqualTo("AWS::S3::Object");
        assertThat(del.path("resources").get(0).path("ARNPrefix").asText()).isEqualTo("arn:aws:s3:::payroll/");
        JsonNode copy = trail.stream()
                .filter(r -> "CopyObject".equals(r.path("eventName").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(copy.path("tlsDetails").has("tlsVersion"))
                .as("tlsVersion only over TLS")
                .isEqualTo(https);

        // The detector's own records are not S3 events.
        List<JsonNode> detector = trail.stream()
                .filter(r -> r.path("eventName").asText().startsWith("Detector"))
                .toList();
        assertThat(detector).isNotEmpty().allSatisfy(r -> {
            assertThat(r.path("eventSource").asText()).isEqualTo("rampart.detector");
            assertThat(r.path("eventCategory").asText()).isEqualTo("Management");
        });
        List<String> rules = new ArrayList<>();
        detector.forEach(
                r -> rules.add(r.path("serviceEventDetails").path("rule").asText()));
        assertThat(rules).contains("in-place-sse-c-reencryption", "ransom-note-upload", "public-access-block-removed");
    }

    @Test
    void overPlainHttp() throws Exception {
        try (RampartServer server = RampartServer.start(c -> c.s3(new S3Settings(true, false)))) {
            replayAndEvaluate(server, false);
        }
    }

    @Test
    void overHttps() throws Exception {
        try (RampartServer server = RampartServer.start(
                c -> c.tls(new Rampart.Tls(null, null, true)).s3(new S3Settings(false, false)))) {
            replayAndEvaluate(server, true);
        }
    }
}
