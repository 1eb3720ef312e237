package io.rampart.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The drill's sequence against one endpoint: sandbox bucket, seed, attacker identity, the attack (in-place SSE-C
 * re-encryption, a 7-day expiration rule, a ransom note), verification with the admin's credentials, clean-up. It
 * touches nothing outside its sandbox bucket and the attacker user it creates.
 */
final class Drill {
    static final String RANSOM_NOTE_KEY = "README-RANSOM.txt";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A failure that ends the drill with exit code 1 (cannot reach the endpoint, cannot create the sandbox...). */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    record Options(URI endpoint, String region, AwsCredentialsProvider admin, AwsCredentials attacker, int objects,
                   boolean allowSseC, boolean keep) { }

    private record Seeded(String key, String versionId, byte[] sha256) { }

    private final Options options;
    private final SdkHttpClient http;
    private final PrintWriter progress;
    private final DrillReport report = new DrillReport();
    private final List<Seeded> seeded = new ArrayList<>();
    private boolean bucketCreated;
    /** The attacker's key: used for the attack, never printed (only its id is reported). */
    private AwsCredentials attackerCredentials;

    Drill(Options options, SdkHttpClient http, PrintWriter progress) {
        this.options = options;
        this.http = http;
        this.progress = progress;
    }

    DrillReport run() throws Failure {
        report.endpoint = options.endpoint().toString();
        // Whole seconds, rounded down: the restore line printed with --keep then covers every write of the drill.
        report.start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        report.objects = options.objects();
        report.kept = options.keep();
        String suffix = STAMP.format(report.start) + "-" + randomChars(4);
        report.bucket = "rampart-drill-" + suffix;
        try (S3Client admin = s3(options.admin()); IamClient iam = iam(options.admin())) {
            try {
                createSandbox(admin);
                seed(admin);
                attackerIdentity(iam, "rampart-drill-attacker-" + suffix);
                try (S3Client attacker = s3(StaticCredentialsProvider.create(attackerCredentials))) {
                    attack(attacker);
                }
                verify(admin, iam);
                report.findingRaised = findingRaised();
            } finally {
                if (!options.keep()) cleanUp(admin, iam);
            }
        }
        return report;
    }

    // ---- sandbox and seed ----

    private void createSandbox(S3Client admin) throws Failure {
        step("creating sandbox bucket " + report.bucket);
        try {
            admin.createBucket(b -> b.bucket(report.bucket));
            bucketCreated = true;
            admin.putBucketVersioning(b -> b.bucket(report.bucket)
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            if (options.allowSseC()) {
                // What an operator who allowed SSE-C on the bucket has: SSE-S3 by default, no encryption type blocked.
                admin.putBucketEncryption(b -> b.bucket(report.bucket).serverSideEncryptionConfiguration(c -> c.rules(r -> r
                        .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                        .blockedEncryptionTypes(t -> t.encryptionType(EncryptionType.NONE)))));
                report.sseCAllowedOnBucket = true;
            }
        } catch (SdkException e) {
            throw new Failure((bucketCreated ? "cannot configure" : "cannot create") + " the sandbox bucket "
                    + report.bucket + " at " + options.endpoint() + ": " + describe(e));
        }
    }

    private void seed(S3Client admin) throws Failure {
        step("seeding " + options.objects() + " objects");
        for (int i = 1; i <= options.objects(); i++) {
            String key = String.format("drill/object-%04d.txt", i);
            byte[] random = new byte[1024];
            RANDOM.nextBytes(random);
            byte[] body = concat(("Rampart drill sandbox object " + i + " of " + options.objects() + "\n")
                    .getBytes(StandardCharsets.UTF_8), random);
            try {
                String versionId = admin.putObject(b -> b.bucket(report.bucket).key(key), RequestBody.fromBytes(body)).versionId();
                if (versionId == null || versionId.equals("null")) {
                    throw new Failure("the endpoint did not version " + key + " although versioning was enabled on the sandbox");
                }
                seeded.add(new Seeded(key, versionId, sha256(body)));
            } catch (SdkException e) {
                throw new Failure("cannot seed " + key + ": " + describe(e));
            }
        }
    }

    // ---- the attacker ----

    /**
     * On Rampart (IAM answers on the same endpoint), a new IAM user with an inline policy allowing s3:* on the sandbox
     * only, the way a leaked CI key looks; elsewhere the given attacker key, else the caller's own credentials.
     */
    private void attackerIdentity(IamClient iam, String userName) throws Failure {
        try {
            iam.createUser(b -> b.userName(userName));
        } catch (SdkException notRampart) {
            report.rampart = false;
            if (options.attacker() != null) {
                report.attackerKind = "given";
                attackerCredentials = options.attacker();
            } else {
                report.attackerKind = "admin";
                attackerCredentials = options.admin().resolveCredentials();
            }
            report.attackerAccessKeyId = attackerCredentials.accessKeyId();
            step("not a Rampart server (IAM is not served here): attacking with "
                    + (options.attacker() != null ? "the given attacker key" : "your own credentials (no --attacker-access-key)"));
            return;
        }
        report.rampart = true;
        report.attackerKind = "iam-user";
        report.attackerUser = userName;
        step("creating attacker IAM user " + userName);
        try {
            String arn = "arn:aws:s3:::" + report.bucket;
            iam.putUserPolicy(b -> b.userName(userName).policyName("rampart-drill-sandbox-only").policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\""
                            + arn + "\",\"" + arn + "/*\"]}]}"));
            var key = iam.createAccessKey(b -> b.userName(userName)).accessKey();
            report.attackerAccessKeyId = key.accessKeyId();
            attackerCredentials = AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
        } catch (SdkException e) {
            throw new Failure("cannot set up the attacker user " + userName + ": " + describe(e));
        }
    }

    // ---- the attack ----

    private void attack(S3Client attacker) {
        // What an attacker does first: list what there is to encrypt. It also keeps the client's start-up (connection,
        // TLS handshake) out of the containment time.
        report.reconnaissance = timed("ListObjectsV2", null, () -> attacker.listObjectsV2(b -> b.bucket(report.bucket)));
        step("attacking: CopyObject onto itself with a random SSE-C key, object by object");
        report.firstMaliciousRequestAt = Instant.now();
        long first = System.nanoTime();
        DrillReport.Step stop = null;
        for (Seeded s : seeded) {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            String keyB64 = Base64.getEncoder().encodeToString(key);
            String keyMd5 = Base64.getEncoder().encodeToString(md5(key));
            Arrays.fill(key, (byte) 0);
            DrillReport.Step step = timed("CopyObject", s.key(), () -> attacker.copyObject(b -> b
                    .sourceBucket(report.bucket).sourceKey(s.key()).destinationBucket(report.bucket).destinationKey(s.key())
                    .metadataDirective(MetadataDirective.COPY)
                    .sseCustomerAlgorithm("AES256").sseCustomerKey(keyB64).sseCustomerKeyMD5(keyMd5)));
            report.copies.add(step);
            if (!step.succeeded()) {
                stop = step;
                break;
            }
            report.maliciousWritesSucceeded++;
        }
        double untilStop = (System.nanoTime() - first) / 1e6;
        // The remaining steps are tried even after a refusal, to report which of them the endpoint blocks.
        report.lifecycle = timed("PutBucketLifecycleConfiguration", null, () -> attacker.putBucketLifecycleConfiguration(b -> b
                .bucket(report.bucket).lifecycleConfiguration(c -> c.rules(r -> r.id("rampart-drill-expire-7-days")
                        .status(ExpirationStatus.ENABLED).filter(f -> f.prefix("")).expiration(e -> e.days(7))))));
        report.ransomNote = timed("PutObject", RANSOM_NOTE_KEY, () -> attacker.putObject(b -> b.bucket(report.bucket)
                .key(RANSOM_NOTE_KEY), RequestBody.fromString("Your files are encrypted. This is a Rampart drill: nothing is lost.\n")));

        if (stop == null) {
            report.verdict = DrillReport.Verdict.NOT_CONTAINED;
            report.reason = "every CopyObject with a new SSE-C key succeeded";
        } else if (report.maliciousWritesSucceeded == 0) {
            report.verdict = DrillReport.Verdict.BLOCKED;
            report.reason = stop.refusedForPlainHttp()
                    ? "the server refuses SSE-C over plain HTTP (" + stop.errorCode() + ": " + stop.errorMessage()
                            + "); use https:// (with --insecure for a self-signed certificate) or start the server with "
                            + "--allow-sse-c-over-http to test the containment"
                    : "the first CopyObject with an SSE-C key was refused (" + stop.httpStatus() + " " + stop.errorCode() + ": "
                            + stop.errorMessage() + ")";
        } else if (stop.refusedAsContainment()) {
            report.verdict = DrillReport.Verdict.CONTAINED;
            report.containmentMillis = untilStop;
            report.reason = "the attacker was refused (" + stop.httpStatus() + " " + stop.errorCode() + ") after "
                    + report.maliciousWritesSucceeded
                    + " successful malicious write(s)";
        } else {
            report.verdict = DrillReport.Verdict.NOT_CONTAINED;
            report.reason = "the attack stopped on an error that is not a refusal (" + stop.httpStatus() + " " + stop.errorCode() + ": "
                    + stop.errorMessage() + ")";
        }
    }

    private static DrillReport.Step timed(String operation, String key, Runnable request) {
        long t0 = System.nanoTime();
        try {
            request.run();
            return new DrillReport.Step(operation, key, true, 0, null, null, (System.nanoTime() - t0) / 1e6);
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : "Error";
            String message = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
            return new DrillReport.Step(operation, key, false, e.statusCode(), code, message, (System.nanoTime() - t0) / 1e6);
        } catch (SdkClientException e) {
            return new DrillReport.Step(operation, key, false, 0, "ClientError", e.getMessage(), (System.nanoTime() - t0) / 1e6);
        }
    }

    // ---- verification ----

    private void verify(S3Client admin, IamClient iam) {
        step("verifying every original version with the admin's credentials");
        for (Seeded s : seeded) {
            boolean intact;
            try {
                byte[] now = admin.getObjectAsBytes(b -> b.bucket(report.bucket).key(s.key()).versionId(s.versionId())).asByteArray();
                intact = MessageDigest.isEqual(sha256(now), s.sha256());
            } catch (SdkException e) {
                intact = false;
            }
            report.objectsVerified++;
            if (!intact) {
                report.objectsLost++;
                report.lostKeys.add(s.key());
            }
        }
        if (report.rampart) {
            try {
                report.attackerKeyStatus = iam.listAccessKeys(b -> b.userName(report.attackerUser)).accessKeyMetadata().stream()
                        .filter(k -> k.accessKeyId().equals(report.attackerAccessKeyId))
                        .map(AccessKeyMetadata::statusAsString).findFirst().orElse("deleted");
            } catch (SdkException e) {
                report.attackerKeyStatus = "unknown (" + describe(e) + ")";
            }
        }
    }

    /**
     * Whether the server raised a finding naming the attacker's key, from {@code GET /_rampart/admin/findings}; a server
     * without that API answers an error, reported as unknown.
     */
    private String findingRaised() {
        URI uri = URI.create(options.endpoint() + "/_rampart/admin/findings");
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(uri).build();
        try {
            SdkHttpRequest signed = AdminSigning.sign(unsigned, new byte[0], options.admin().resolveCredentials(), options.region());
            ExecutableHttpRequest call = http.prepareRequest(HttpExecuteRequest.builder().request(signed).build());
            HttpExecuteResponse response = call.call();
            String body;
            try (var in = response.responseBody().orElse(null)) {
                body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!response.httpResponse().isSuccessful()) return "unknown (server has no findings API)";
            return body.contains(report.attackerAccessKeyId) ? "yes" : "no";
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown (server has no findings API)";
        }
    }

    // ---- clean-up ----

    private void cleanUp(S3Client admin, IamClient iam) {
        step("cleaning up");
        List<String> failures = report.cleanupFailures;
        if (bucketCreated) {
            try {
                List<ObjectIdentifier> ids = new ArrayList<>();
                for (var page : admin.listObjectVersionsPaginator(b -> b.bucket(report.bucket))) {
                    page.versions().forEach(v -> ids.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
                    page.deleteMarkers().forEach(m -> ids.add(ObjectIdentifier.builder().key(m.key()).versionId(m.versionId()).build()));
                }
                for (int i = 0; i < ids.size(); i += 1000) {
                    List<ObjectIdentifier> batch = ids.subList(i, Math.min(ids.size(), i + 1000));
                    var errors = admin.deleteObjects(b -> b.bucket(report.bucket).delete(d -> d.objects(batch).quiet(true))).errors();
                    errors.forEach(e -> failures.add("delete " + e.key() + " version " + e.versionId() + ": " + e.code() + " " + e.message()));
                }
                admin.deleteBucket(b -> b.bucket(report.bucket));
            } catch (SdkException e) {
                failures.add("delete bucket " + report.bucket + ": " + describe(e));
            }
        }
        if (report.attackerUser != null) {
            String user = report.attackerUser;
            Map<String, Runnable> iamSteps = new LinkedHashMap<>();
            if (report.attackerAccessKeyId != null) {
                iamSteps.put("delete access key " + report.attackerAccessKeyId,
                        () -> iam.deleteAccessKey(b -> b.userName(user).accessKeyId(report.attackerAccessKeyId)));
            }
            // Every inline policy: the drill's own, and those the detector's responses attached (session revocation,
            // quarantine) to the attacker it created.
            iamSteps.put("delete inline policies of " + user, () -> iam.listUserPolicies(b -> b.userName(user)).policyNames()
                    .forEach(name -> iam.deleteUserPolicy(b -> b.userName(user).policyName(name))));
            iamSteps.put("delete IAM user " + user, () -> iam.deleteUser(b -> b.userName(user)));
            iamSteps.forEach((what, call) -> {
                try {
                    call.run();
                } catch (SdkException e) {
                    failures.add(what + ": " + describe(e));
                }
            });
        }
        report.cleanedUp = failures.isEmpty();
    }

    // ---- plumbing ----

    private S3Client s3(AwsCredentialsProvider credentials) {
        return S3Client.builder().endpointOverride(options.endpoint()).region(Region.of(options.region()))
                .credentialsProvider(credentials).forcePathStyle(true).httpClient(http).build();
    }

    private IamClient iam(AwsCredentialsProvider credentials) {
        return IamClient.builder().endpointOverride(options.endpoint()).region(Region.AWS_GLOBAL)
                .credentialsProvider(credentials).httpClient(http).build();
    }

    private void step(String what) {
        if (progress != null) {
            progress.println("drill: " + what);
            progress.flush();
        }
    }

    static String describe(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            return s.statusCode() + " " + s.awsErrorDetails().errorCode() + ": " + s.awsErrorDetails().errorMessage();
        }
        return String.valueOf(e.getMessage());
    }

    private static String randomChars(int n) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return b.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] sha256(byte[] data) {
        return digest("SHA-256", data);
    }

    private static byte[] md5(byte[] data) {
        return digest("MD5", data);
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
