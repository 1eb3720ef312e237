package io.rampart.s3;

import io.rampart.crypto.MasterKey;
import io.rampart.iam.IamStore;
import io.rampart.iam.Organization;
import io.rampart.iam.Permissions;
import io.rampart.iam.Principal;
import io.rampart.storage.Bucket;
import io.rampart.storage.Database;
import io.rampart.storage.MetadataStore;
import io.rampart.storage.SqliteMetadataStore;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole S3 authorisation ({@link Authorizer#authorize}) of a presigned GetObject, as the GET flood of issue 23
 * makes it: the metadata read is a stub returning a fixed bucket and version, so what is measured is the request's
 * condition keys, the actions, the bucket policy, the guardrails and the evaluation. {@code adminNoBucketPolicy} is the
 * account's admin with its long-lived key and no bucket policy (the flood); {@code userWithConditions} an IAM user
 * whose inline policy and the bucket policy both have conditions, so every condition key is built and read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuthorizerBenchmark {
    private Path dir;
    private Database db;
    private Authorizer authorizer;
    private S3Call adminGet;
    private S3Call userGet;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("rampart-authz-bench");
        db = SqliteMetadataStore.openDatabase(dir.resolve("rampart.db"));
        IamStore iam = new IamStore(db, MasterKey.of(new byte[32]));
        IamStore.Bootstrap boot = iam.bootstrap("AKIAWRKPRESIGNED0001", "wrkPresignedSecretKey0000000000000000001");
        String account = boot.accountId();
        Principal admin = iam.findKey("AKIAWRKPRESIGNED0001").orElseThrow().principal();
        iam.directory().create("user", account, "alice", "/", Optional.empty(), 3600, "", Map.of(), Optional.empty());
        iam.directory().putInline(account, "user", "alice", "read", """
                        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:List*"],
                         "Resource":"arn:aws:s3:::*/*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]}""");
        Principal alice = iam.createAccessKey(account, "alice").principal();
        Permissions permissions = new Permissions(iam.directory(), iam.sessions(), new Organization(db));

        Bucket plain = new Bucket("flood", account, "us-east-1", 0, "", false, "{}");
        String policy = """
                {"Version":"2012-10-17","Statement":[
                 {"Sid":"DenySSEC","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::guarded/*",
                  "Condition":{"Null":{"s3:x-amz-server-side-encryption-customer-algorithm":"false"}}},
                 {"Sid":"DenyLongLivedWrites","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::guarded/*",
                  "Condition":{"Null":{"aws:TokenIssueTime":"true"}}},
                 {"Sid":"LocalOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::guarded/*",
                  "Condition":{"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]}""";
        Bucket guarded = new Bucket(
                "guarded",
                account,
                "us-east-1",
                0,
                "",
                false,
                BucketSettings.of(plain).withPolicy(policy).toJson());
        MetadataStore meta = (MetadataStore) Proxy.newProxyInstance(
                MetadataStore.class.getClassLoader(), new Class<?>[] {MetadataStore.class}, (p, m, args) -> {
                    Bucket b = "guarded".equals(args[0]) ? guarded : plain;
                    return switch (m.getName()) {
                        case "read" -> new MetadataStore.ObjectRead(Optional.of(b), Optional.empty());
                        case "bucket" -> Optional.of(b);
                        case "current", "version" -> Optional.empty();
                        default -> throw new UnsupportedOperationException(m.getName());
                    };
                });
        Context ctx = new Context(meta, null, "us-east-1", Clock.systemUTC(), null, null, null);
        authorizer = new Authorizer(ctx, new BucketPolicies(), permissions);
        adminGet = new Get(admin, "flood");
        userGet = new Get(alice, "guarded");
        authorizer.authorize(Operation.GET_OBJECT, adminGet);
        authorizer.authorize(Operation.GET_OBJECT, userGet);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public AuthorizedCall adminNoBucketPolicy() {
        return authorizer.authorize(Operation.GET_OBJECT, adminGet);
    }

    @Benchmark
    public AuthorizedCall userWithConditions() {
        return authorizer.authorize(Operation.GET_OBJECT, userGet);
    }

    /** A presigned GET of one 4 KiB object, as wrk-presigned sends it. */
    private record Get(Principal principal, String bucket) implements S3Call {
        private static final Map<String, String> QUERY = Map.of(
                "X-Amz-Algorithm", "AWS4-HMAC-SHA256",
                "X-Amz-Credential", "AKIAWRKPRESIGNED0001/20261207/us-east-1/s3/aws4_request",
                "X-Amz-Date", "20261207T001400Z",
                "X-Amz-Expires", "86400",
                "X-Amz-SignedHeaders", "host",
                "X-Amz-Signature", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        private static final Map<String, List<String>> HEADERS =
                Map.of("host", List.of("127.0.0.1:19500"), "user-agent", List.of("wrk"), "accept", List.of("*/*"));

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String key() {
            return "obj-4k";
        }

        @Override
        public Map<String, String> query() {
            return QUERY;
        }

        @Override
        public Map<String, List<String>> headers() {
            return HEADERS;
        }

        @Override
        public InputStream body() {
            return InputStream.nullInputStream();
        }

        @Override
        public long contentLength() {
            return 0;
        }

        @Override
        public Map<String, String> verifiedChecksums() {
            return Map.of();
        }

        @Override
        public boolean secure() {
            return false;
        }

        @Override
        public String sourceIp() {
            return "127.0.0.1";
        }

        @Override
        public boolean presigned() {
            return true;
        }

        @Override
        public String requestId() {
            return "0123456789ABCDEF";
        }
    }
}
