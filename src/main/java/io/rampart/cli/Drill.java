package io.rampart.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
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
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.EncryptionType;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * The drill's sequence against one endpoint, for one attack shape ({@link Scenario}): sandbox bucket, seed, attacker
 * identity, the attack (re-encryption object by object, a 7-day expiration rule, a ransom note), the restore it prints
 * (run through the admin API on Rampart), verification with the admin's credentials, clean-up. It touches nothing
 * outside its sandbox bucket and the attacker identities it creates.
 */
final class Drill {
    static final String RANSOM_NOTE_KEY = "README-RANSOM.txt";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long the drill waits for the finding of a contained attack to be listed (see {@link #findingRaised}). */
    private static final Duration FINDING_WAIT = Duration.ofSeconds(10);

    /** A failure that ends the drill with exit code 1 (cannot reach the endpoint, cannot create the sandbox...). */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** The attack's shape; each runs in its own sandbox bucket. */
    enum Scenario {
        /** CopyObject onto itself with a new SSE-C key (the published attack). */
        COPY("CopyObject onto itself with a random SSE-C key"),
        /** GetObject, then PutObject of the same bytes with an SSE-C key. */
        PUT("GetObject, then PutObject of the same bytes with a random SSE-C key"),
        /** GetObject, then an SSE-C multipart upload over the key. */
        MULTIPART("GetObject, then an SSE-C multipart upload over the same key"),
        /** The copy attack with an AssumeRole session instead of a long-lived key. */
        STS("CopyObject onto itself with a random SSE-C key, from an AssumeRole session"),
        /** The attacker suspends versioning and unblocks SSE-C with its own permissions first, then copies. */
        EVASION("suspend versioning, unblock SSE-C, then CopyObject onto itself with a random SSE-C key"),
        /** In-place SSE-C copies and deletes on a bucket that was never versioned. */
        UNVERSIONED(
                "on a never-versioned bucket, CopyObject onto itself with a random SSE-C key and DeleteObject, alternately");

        final String description;

        Scenario(String description) {
            this.description = description;
        }

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean versioned() {
            return this != UNVERSIONED;
        }

        /** "copy", "put", ... or "all" (every scenario, in declaration order); comma-separated lists too. */
        static List<Scenario> parse(String spec) {
            List<Scenario> out = new ArrayList<>();
            for (String part : spec.split(",")) {
                String p = part.trim().toLowerCase(java.util.Locale.ROOT);
                if (p.equals("all")) {
                    for (Scenario s : values()) if (!out.contains(s)) out.add(s);
                    continue;
                }
                Scenario found = null;
                for (Scenario s : values()) if (s.id().equals(p)) found = s;
                if (found == null) {
                    throw new IllegalArgumentException("unknown --scenario '" + part.trim()
                            + "' (copy, put, multipart, sts, evasion, unversioned, all)");
                }
                if (!out.contains(found)) out.add(found);
            }
            return out;
        }
    }

    /**
     * @param attackEndpoints where the attacker's requests go, each in turn (the nodes of one cluster); {@code endpoint}
     *     alone for one server
     */
    record Options(
            URI endpoint,
            List<URI> attackEndpoints,
            String region,
            AwsCredentialsProvider admin,
            AwsCredentials attacker,
            int objects,
            boolean allowSseC,
            boolean keep,
            Scenario scenario) {
        Options withScenario(Scenario s) {
            return new Options(endpoint, attackEndpoints, region, admin, attacker, objects, allowSseC, keep, s);
        }
    }

    private record Seeded(String key, String versionId, byte[] sha256, byte[] body) {}

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
        if (options.attackEndpoints().size() > 1) {
            report.attackEndpoints =
                    options.attackEndpoints().stream().map(URI::toString).toList();
        }
        // Whole seconds, rounded down: the restore line printed with --keep then covers every write of the drill.
        report.start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        report.objects = options.objects();
        report.kept = options.keep();
        report.scenario = options.scenario().id();
        report.scenarioDescription = options.scenario().description;
        report.versioned = options.scenario().versioned();
        String suffix = STAMP.format(report.start) + "-" + randomChars(4);
        report.bucket = "rampart-drill-" + suffix;
        try (S3Client admin = s3(options.admin());
                IamClient iam = iam(options.admin())) {
            try {
                createSandbox(admin);
                seed(admin);
                attackerIdentity(iam, "rampart-drill-attacker-" + suffix);
                try (S3Client attacker = attackerClient(StaticCredentialsProvider.create(attackerCredentials))) {
                    attack(attacker);
                    if (options.scenario() == Scenario.STS) report.attackerKeyStatus = sessionStatus(attacker);
                }
                if (report.rampart) restore();
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
            if (options.scenario().versioned()) {
                admin.putBucketVersioning(b ->
                        b.bucket(report.bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            }
            if (options.allowSseC()) {
                // What an operator who allowed SSE-C on the bucket has: SSE-S3 by default, no encryption type blocked.
                admin.putBucketEncryption(b ->
                        b.bucket(report.bucket).serverSideEncryptionConfiguration(c -> c.rules(sseS3NothingBlocked())));
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
            byte[] body = concat(
                    ("Rampart drill sandbox object " + i + " of " + options.objects() + "\n")
                            .getBytes(StandardCharsets.UTF_8),
                    random);
            try {
                String versionId = admin.putObject(b -> b.bucket(report.bucket).key(key), RequestBody.fromBytes(body))
                        .versionId();
                if (options.scenario().versioned() && (versionId == null || versionId.equals("null"))) {
                    throw new Failure(
                            "the endpoint did not version " + key + " although versioning was enabled on the sandbox");
                }
                seeded.add(new Seeded(key, versionId, sha256(body), body));
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
                    + (options.attacker() != null
                            ? "the given attacker key"
                            : "your own credentials (no --attacker-access-key)"));
            return;
        }
        report.rampart = true;
        report.attackerKind = "iam-user";
        report.attackerUser = userName;
        step("creating attacker IAM user " + userName);
        try {
            String arn = "arn:aws:s3:::" + report.bucket;
            iam.putUserPolicy(b -> b.userName(userName)
                    .policyName("rampart-drill-sandbox-only")
                    .policyDocument(
                            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\""
                                    + arn + "\",\"" + arn + "/*\"]}]}"));
            var key = iam.createAccessKey(b -> b.userName(userName)).accessKey();
            report.attackerAccessKeyId = key.accessKeyId();
            attackerCredentials = AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
        } catch (SdkException e) {
            throw new Failure("cannot set up the attacker user " + userName + ": " + describe(e));
        }
        if (options.scenario() == Scenario.STS) attackerSession(iam, userName);
    }

    /**
     * The sts scenario: a role allowing s3:* on the sandbox only, which the attacker user may assume; the attacker then
     * holds only the session's temporary credentials (ASIA...), the way a CI job's stolen session looks.
     */
    private void attackerSession(IamClient iam, String userName) throws Failure {
        String role = userName.replace("rampart-drill-attacker-", "rampart-drill-role-");
        try {
            var user = iam.getUser(b -> b.userName(userName)).user();
            String account = user.arn().split(":")[4];
            iam.createRole(b -> b.roleName(role)
                    .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{"
                            + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + user.arn()
                            + "\"},\"Action\":\"sts:AssumeRole\"}]}"));
            report.attackerRole = role;
            String arn = "arn:aws:s3:::" + report.bucket;
            iam.putRolePolicy(b -> b.roleName(role)
                    .policyName("rampart-drill-sandbox-only")
                    .policyDocument(
                            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\""
                                    + arn + "\",\"" + arn + "/*\"]}]}"));
            String roleArn = "arn:aws:iam::" + account + ":role/" + role;
            iam.putUserPolicy(b -> b.userName(userName)
                    .policyName("rampart-drill-assume-role")
                    .policyDocument(
                            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\","
                                    + "\"Resource\":\"" + roleArn + "\"}]}"));
            step("attacker assumes role " + role);
            attackerCredentials = assumeRole(roleArn, attackerCredentials);
            report.attackerKind = "sts-session";
            report.attackerAccessKeyId = attackerCredentials.accessKeyId();
        } catch (SdkException e) {
            throw new Failure("cannot set up the attacker role " + role + ": " + describe(e));
        }
    }

    /** STS AssumeRole as a query call signed for "sts" (the STS client is not part of the CLI). */
    private AwsCredentials assumeRole(String roleArn, AwsCredentials caller) throws Failure {
        byte[] body =
                ("Action=AssumeRole&Version=2011-06-15&RoleSessionName=rampart-drill&DurationSeconds=3600&RoleArn="
                                + java.net.URLEncoder.encode(roleArn, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(options.endpoint())
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .build();
        SdkHttpRequest signed = software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.create()
                .sign(r -> r.identity(caller)
                        .request(unsigned)
                        .payload(software.amazon.awssdk.http.ContentStreamProvider.fromByteArray(body))
                        .putProperty(
                                software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                        .putProperty(
                                software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner.REGION_NAME,
                                options.region()))
                .request();
        String xml;
        int status;
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                            .request(signed)
                            .contentStreamProvider(
                                    software.amazon.awssdk.http.ContentStreamProvider.fromByteArray(body))
                            .build())
                    .call();
            status = response.httpResponse().statusCode();
            try (var in = response.responseBody().orElse(null)) {
                xml = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (java.io.IOException e) {
            throw new Failure("AssumeRole failed: " + e.getMessage());
        }
        String id = xmlText(xml, "AccessKeyId");
        String secret = xmlText(xml, "SecretAccessKey");
        String token = xmlText(xml, "SessionToken");
        if (status != 200 || id == null || secret == null || token == null) {
            throw new Failure(
                    "AssumeRole failed (HTTP " + status + "): " + (xml.length() > 300 ? xml.substring(0, 300) : xml));
        }
        return software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(id, secret, token);
    }

    private static String xmlText(String xml, String element) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<" + element + ">([^<]*)</" + element + ">")
                .matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    /** Whether the attacker's session still works after the attack: "Active", or how the server refuses it. */
    private static String sessionStatus(S3Client attacker) {
        DrillReport.Step probe = timed("ListBuckets", null, attacker::listBuckets);
        if (probe.succeeded()) return "Active";
        return "ExpiredToken".equals(probe.errorCode())
                        || "InvalidAccessKeyId".equals(probe.errorCode())
                        || "InvalidToken".equals(probe.errorCode())
                ? "Inactive (session ended: " + probe.errorCode() + ")"
                : "refused (" + probe.errorCode() + ")";
    }

    // ---- the attack ----

    private void attack(S3Client attacker) {
        // What an attacker does first: list what there is to encrypt. It also keeps the client's start-up (connection,
        // TLS handshake) out of the containment time.
        report.reconnaissance =
                timed("ListObjectsV2", null, () -> attacker.listObjectsV2(b -> b.bucket(report.bucket)));
        Scenario scenario = options.scenario();
        report.firstMaliciousRequestAt = Instant.now();
        long first = System.nanoTime();
        if (scenario == Scenario.EVASION) {
            step(
                    "attacking: suspending versioning and unblocking SSE-C on the sandbox with the attacker's permissions");
            report.preparation.add(timed(
                    "PutBucketVersioning",
                    null,
                    () -> attacker.putBucketVersioning(b -> b.bucket(report.bucket)
                            .versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)))));
            report.preparation.add(timed(
                    "PutBucketEncryption",
                    null,
                    () -> attacker.putBucketEncryption(b -> b.bucket(report.bucket)
                            .serverSideEncryptionConfiguration(c -> c.rules(sseS3NothingBlocked())))));
        }
        step("attacking: " + scenario.description + ", object by object");
        DrillReport.Step stop = null;
        int index = 0;
        for (Seeded s : seeded) {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            String keyB64 = Base64.getEncoder().encodeToString(key);
            String keyMd5 = Base64.getEncoder().encodeToString(md5(key));
            Arrays.fill(key, (byte) 0);
            stop = switch (scenario) {
                case COPY, STS, EVASION -> write(copyInPlace(attacker, s, keyB64, keyMd5));
                case UNVERSIONED ->
                    write(
                            index % 2 == 0
                                    ? copyInPlace(attacker, s, keyB64, keyMd5)
                                    : timed(
                                            "DeleteObject",
                                            s.key(),
                                            () -> attacker.deleteObject(
                                                    b -> b.bucket(report.bucket).key(s.key()))));
                case PUT -> {
                    DrillReport.Step get = request(timed(
                            "GetObject",
                            s.key(),
                            () -> attacker.getObjectAsBytes(
                                    b -> b.bucket(report.bucket).key(s.key()))));
                    yield get != null
                            ? get
                            : write(timed(
                                    "PutObject",
                                    s.key(),
                                    () -> attacker.putObject(
                                            b -> b.bucket(report.bucket)
                                                    .key(s.key())
                                                    .sseCustomerAlgorithm("AES256")
                                                    .sseCustomerKey(keyB64)
                                                    .sseCustomerKeyMD5(keyMd5),
                                            RequestBody.fromBytes(s.body()))));
                }
                case MULTIPART -> multipart(attacker, s, keyB64, keyMd5);
            };
            index++;
            if (stop != null) break;
        }
        double untilStop = (System.nanoTime() - first) / 1e6;
        // The remaining steps are tried even after a refusal, to report which of them the endpoint blocks.
        report.lifecycle = timed(
                "PutBucketLifecycleConfiguration",
                null,
                () -> attacker.putBucketLifecycleConfiguration(b -> b.bucket(report.bucket)
                        .lifecycleConfiguration(c -> c.rules(LifecycleRule.builder()
                                .id("rampart-drill-expire-7-days")
                                .status(ExpirationStatus.ENABLED)
                                .filter(f -> f.prefix(""))
                                .expiration(e -> e.days(7))
                                .build()))));
        report.ransomNote = timed(
                "PutObject",
                RANSOM_NOTE_KEY,
                () -> attacker.putObject(
                        b -> b.bucket(report.bucket).key(RANSOM_NOTE_KEY),
                        RequestBody.fromString(
                                "Your files are encrypted. This is a Rampart drill: nothing is lost.\n")));

        boolean keyDisabled = stop != null && stop.refusedAsContainment() && !"AccessDenied".equals(stop.errorCode());
        if (stop == null) {
            report.verdict = DrillReport.Verdict.NOT_CONTAINED;
            report.reason = "every malicious write succeeded";
        } else if (report.maliciousWritesSucceeded == 0 && !keyDisabled) {
            report.verdict = DrillReport.Verdict.BLOCKED;
            report.reason = stop.refusedForPlainHttp()
                    ? "the server refuses SSE-C over plain HTTP (" + stop.errorCode() + ": " + stop.errorMessage()
                            + "); use https:// (with --insecure for a self-signed certificate) or start the server with "
                            + "--allow-sse-c-over-http to test the containment"
                    : "the first malicious " + stop.operation() + " was refused (" + stop.httpStatus() + " "
                            + stop.errorCode() + ": " + stop.errorMessage() + ")";
        } else if (stop.refusedAsContainment()) {
            report.verdict = DrillReport.Verdict.CONTAINED;
            report.containmentMillis = untilStop;
            report.reason = "the attacker was refused (" + stop.httpStatus() + " " + stop.errorCode() + ") after "
                    + report.maliciousWritesSucceeded
                    + " successful malicious write(s)";
        } else {
            report.verdict = DrillReport.Verdict.NOT_CONTAINED;
            report.reason = "the attack stopped on an error that is not a refusal (" + stop.httpStatus() + " "
                    + stop.errorCode() + ": " + stop.errorMessage() + ")";
        }
    }

    private DrillReport.Step copyInPlace(S3Client attacker, Seeded s, String keyB64, String keyMd5) {
        return timed(
                "CopyObject",
                s.key(),
                () -> attacker.copyObject(b -> b.sourceBucket(report.bucket)
                        .sourceKey(s.key())
                        .destinationBucket(report.bucket)
                        .destinationKey(s.key())
                        .metadataDirective(MetadataDirective.COPY)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(keyB64)
                        .sseCustomerKeyMD5(keyMd5)));
    }

    /** Records a malicious write; returns it when it was refused (the attack stops there), else null. */
    private DrillReport.Step write(DrillReport.Step step) {
        report.copies.add(step);
        if (!step.succeeded()) return step;
        report.maliciousWritesSucceeded++;
        return null;
    }

    /** Records a malicious request that writes nothing by itself (a read, starting an upload); returns it when refused. */
    private DrillReport.Step request(DrillReport.Step step) {
        report.copies.add(step);
        return step.succeeded() ? null : step;
    }

    /** Read the object, then upload it again over its key as an SSE-C multipart upload (one part). */
    private DrillReport.Step multipart(S3Client attacker, Seeded s, String keyB64, String keyMd5) {
        DrillReport.Step get = request(timed(
                "GetObject",
                s.key(),
                () -> attacker.getObjectAsBytes(b -> b.bucket(report.bucket).key(s.key()))));
        if (get != null) return get;
        String[] uploadId = new String[1];
        DrillReport.Step create = request(timed(
                "CreateMultipartUpload",
                s.key(),
                () -> uploadId[0] = attacker.createMultipartUpload(b -> b.bucket(report.bucket)
                                .key(s.key())
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(keyB64)
                                .sseCustomerKeyMD5(keyMd5))
                        .uploadId()));
        if (create != null) return create;
        String[] etag = new String[1];
        DrillReport.Step part = request(timed(
                "UploadPart",
                s.key(),
                () -> etag[0] = attacker.uploadPart(
                                b -> b.bucket(report.bucket)
                                        .key(s.key())
                                        .uploadId(uploadId[0])
                                        .partNumber(1)
                                        .sseCustomerAlgorithm("AES256")
                                        .sseCustomerKey(keyB64)
                                        .sseCustomerKeyMD5(keyMd5),
                                RequestBody.fromBytes(s.body()))
                        .eTag()));
        if (part != null) return part;
        return write(timed(
                "CompleteMultipartUpload",
                s.key(),
                () -> attacker.completeMultipartUpload(b -> b.bucket(report.bucket)
                        .key(s.key())
                        .uploadId(uploadId[0])
                        .multipartUpload(m -> m.parts(CompletedPart.builder()
                                .partNumber(1)
                                .eTag(etag[0])
                                .build())))));
    }

    private static DrillReport.Step timed(String operation, String key, Runnable request) {
        long t0 = System.nanoTime();
        try {
            request.run();
            return new DrillReport.Step(operation, key, true, 0, null, null, (System.nanoTime() - t0) / 1e6);
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : "Error";
            String message = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
            return new DrillReport.Step(
                    operation, key, false, e.statusCode(), code, message, (System.nanoTime() - t0) / 1e6);
        } catch (SdkClientException e) {
            return new DrillReport.Step(
                    operation, key, false, 0, "ClientError", e.getMessage(), (System.nanoTime() - t0) / 1e6);
        }
    }

    // ---- verification ----

    /**
     * Runs the restore line the report prints ({@code rampart restore --undo-access-key ... --since ... --apply}) through
     * the admin API RestoreCommand uses, so that "objects lost" is measured after it, not assumed.
     */
    private void restore() {
        step("restoring: " + report.restoreCommand());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode req = json.createObjectNode();
        req.put("bucket", report.bucket);
        req.put("undoAccessKey", report.attackerAccessKeyId);
        req.put("since", report.start.toString());
        req.put("removeNew", false);
        req.put("apply", true);
        req.put("limit", 0);
        URI uri = URI.create(options.endpoint() + "/_rampart/admin/restore");
        try {
            byte[] body = json.writeValueAsBytes(req);
            SdkHttpRequest unsigned = SdkHttpRequest.builder()
                    .method(SdkHttpMethod.POST)
                    .uri(uri)
                    .putHeader("Content-Type", "application/json")
                    .build();
            SdkHttpRequest signed =
                    AdminSigning.sign(unsigned, body, options.admin().resolveCredentials(), options.region());
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                            .request(signed)
                            .contentStreamProvider(
                                    software.amazon.awssdk.http.ContentStreamProvider.fromByteArray(body))
                            .build())
                    .call();
            String text;
            try (var in = response.responseBody().orElse(null)) {
                text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!response.httpResponse().isSuccessful()) {
                String why = "";
                try {
                    com.fasterxml.jackson.databind.JsonNode e =
                            json.readTree(text).path("error");
                    if (e.has("code"))
                        why = ": " + e.path("code").asText() + ": "
                                + e.path("message").asText();
                } catch (java.io.IOException notJson) {
                    // not the admin API's JSON: the status says enough
                }
                report.restoreOutcome =
                        "failed (HTTP " + response.httpResponse().statusCode() + why + ")";
                return;
            }
            com.fasterxml.jackson.databind.JsonNode summary = null;
            for (String line : text.split("\n")) {
                if (line.isBlank()) continue;
                com.fasterxml.jackson.databind.JsonNode n = json.readTree(line);
                if (n.has("summary")) summary = n.get("summary");
                else if (n.has("error") && !n.has("key")) {
                    report.restoreOutcome =
                            "failed (" + n.path("error").path("code").asText() + ")";
                    return;
                }
            }
            if (summary == null) {
                report.restoreOutcome = "failed (no summary)";
                return;
            }
            report.restoreRan = true;
            report.keysRestored = summary.path("restore").asLong();
            long failed = summary.path("failed").asLong();
            report.restoreOutcome = failed == 0
                    ? "done: " + report.keysRestored + " key(s) restored"
                    : "done with " + failed + " failure(s): " + report.keysRestored + " key(s) restored";
        } catch (java.io.IOException | RuntimeException e) {
            report.restoreOutcome = "failed (" + e.getMessage() + ")";
        }
    }

    private void verify(S3Client admin, IamClient iam) {
        // On Rampart the restore was attempted: what counts is the objects as they are now, restored or not.
        boolean current = report.rampart || !options.scenario().versioned();
        if (current) {
            step("verifying every object, after the restore, against its original bytes (SHA-256)");
        } else {
            step("verifying every original version with the admin's credentials");
        }
        for (Seeded s : seeded) {
            boolean intact;
            try {
                // After a restore: the current object must be the original. Without one (not Rampart): the original
                // version must still be there to restore from.
                byte[] now = current
                        ? admin.getObjectAsBytes(b -> b.bucket(report.bucket).key(s.key()))
                                .asByteArray()
                        : admin.getObjectAsBytes(b ->
                                        b.bucket(report.bucket).key(s.key()).versionId(s.versionId()))
                                .asByteArray();
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
        if (report.rampart && !"sts-session".equals(report.attackerKind)) {
            try {
                report.attackerKeyStatus =
                        iam.listAccessKeys(b -> b.userName(report.attackerUser)).accessKeyMetadata().stream()
                                .filter(k -> k.accessKeyId().equals(report.attackerAccessKeyId))
                                .map(AccessKeyMetadata::statusAsString)
                                .findFirst()
                                .orElse("deleted");
            } catch (SdkException e) {
                report.attackerKeyStatus = "unknown (" + describe(e) + ")";
            }
        }
    }

    /**
     * Whether the server raised a finding naming the attacker's key, from {@code GET /_rampart/admin/findings}; a server
     * without that API answers an error, reported as unknown. The detector contains first and writes the finding down
     * after (its next commit, queued behind the store's other writes), so a finding not listed yet is asked for again
     * for up to {@link #FINDING_WAIT} before the answer is "no".
     */
    private String findingRaised() {
        long deadline = System.nanoTime() + FINDING_WAIT.toNanos();
        while (true) {
            String answer = findingListed();
            if (!answer.equals("no") || System.nanoTime() >= deadline) return answer;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return answer;
            }
        }
    }

    private String findingListed() {
        URI uri = URI.create(options.endpoint() + "/_rampart/admin/findings");
        SdkHttpRequest unsigned =
                SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(uri).build();
        try {
            SdkHttpRequest signed =
                    AdminSigning.sign(unsigned, new byte[0], options.admin().resolveCredentials(), options.region());
            ExecutableHttpRequest call = http.prepareRequest(
                    HttpExecuteRequest.builder().request(signed).build());
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
                // Uploads the attacker started and never completed (multipart scenario) keep a bucket from being
                // deleted.
                for (var page : admin.listMultipartUploadsPaginator(b -> b.bucket(report.bucket))) {
                    page.uploads()
                            .forEach(u -> admin.abortMultipartUpload(
                                    b -> b.bucket(report.bucket).key(u.key()).uploadId(u.uploadId())));
                }
                List<ObjectIdentifier> ids = new ArrayList<>();
                for (var page : admin.listObjectVersionsPaginator(b -> b.bucket(report.bucket))) {
                    page.versions()
                            .forEach(v -> ids.add(ObjectIdentifier.builder()
                                    .key(v.key())
                                    .versionId(v.versionId())
                                    .build()));
                    page.deleteMarkers()
                            .forEach(m -> ids.add(ObjectIdentifier.builder()
                                    .key(m.key())
                                    .versionId(m.versionId())
                                    .build()));
                }
                for (int i = 0; i < ids.size(); i += 1000) {
                    List<ObjectIdentifier> batch = ids.subList(i, Math.min(ids.size(), i + 1000));
                    var errors = admin.deleteObjects(b -> b.bucket(report.bucket)
                                    .delete(d -> d.objects(batch).quiet(true)))
                            .errors();
                    errors.forEach(e -> failures.add(
                            "delete " + e.key() + " version " + e.versionId() + ": " + e.code() + " " + e.message()));
                }
                admin.deleteBucket(b -> b.bucket(report.bucket));
            } catch (SdkException e) {
                failures.add("delete bucket " + report.bucket + ": " + describe(e));
            }
        }
        if (report.attackerUser != null) {
            String user = report.attackerUser;
            Map<String, Runnable> iamSteps = new LinkedHashMap<>();
            // Every key of the user (the sts scenario's attacker attacks with a session, not with its key).
            iamSteps.put(
                    "delete access keys of " + user,
                    () -> iam.listAccessKeys(b -> b.userName(user))
                            .accessKeyMetadata()
                            .forEach(k ->
                                    iam.deleteAccessKey(b -> b.userName(user).accessKeyId(k.accessKeyId()))));
            // Every inline policy: the drill's own, and those the detector's responses attached (session revocation,
            // quarantine) to the attacker it created.
            iamSteps.put(
                    "delete inline policies of " + user,
                    () -> iam.listUserPolicies(b -> b.userName(user))
                            .policyNames()
                            .forEach(name ->
                                    iam.deleteUserPolicy(b -> b.userName(user).policyName(name))));
            iamSteps.put("delete IAM user " + user, () -> iam.deleteUser(b -> b.userName(user)));
            if (report.attackerRole != null) {
                String role = report.attackerRole;
                iamSteps.put(
                        "delete inline policies of role " + role,
                        () -> iam.listRolePolicies(b -> b.roleName(role))
                                .policyNames()
                                .forEach(name -> iam.deleteRolePolicy(
                                        b -> b.roleName(role).policyName(name))));
                iamSteps.put("delete IAM role " + role, () -> iam.deleteRole(b -> b.roleName(role)));
            }
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
        return s3(credentials, options.endpoint());
    }

    /**
     * The attacker's client: on several endpoints (the nodes of a cluster) each request goes to the next node in turn,
     * as a load balancer would spread them, so the detector must see every node's records to contain the attack.
     */
    private S3Client attackerClient(AwsCredentialsProvider credentials) {
        List<URI> endpoints = options.attackEndpoints();
        if (endpoints.size() <= 1) return s3(credentials);
        List<S3Client> clients = new ArrayList<>();
        for (URI e : endpoints) clients.add(s3(credentials, e));
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        return (S3Client) java.lang.reflect.Proxy.newProxyInstance(
                S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        for (S3Client c : clients) c.close();
                        return null;
                    }
                    S3Client target = clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
                    try {
                        return method.invoke(target, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private S3Client s3(AwsCredentialsProvider credentials, URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(options.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .httpClient(http)
                .build();
    }

    private IamClient iam(AwsCredentialsProvider credentials) {
        return IamClient.builder()
                .endpointOverride(options.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(credentials)
                .httpClient(http)
                .build();
    }

    private void step(String what) {
        if (progress != null) {
            progress.println("drill: " + what);
            progress.flush();
        }
    }

    static String describe(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            return s.statusCode() + " " + s.awsErrorDetails().errorCode() + ": "
                    + s.awsErrorDetails().errorMessage();
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

    /** SSE-S3 by default and no encryption type blocked: what an operator who allowed SSE-C has, and what the attacker asks. */
    private static ServerSideEncryptionRule sseS3NothingBlocked() {
        return ServerSideEncryptionRule.builder()
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                .blockedEncryptionTypes(t -> t.encryptionType(EncryptionType.NONE))
                .build();
    }
}
