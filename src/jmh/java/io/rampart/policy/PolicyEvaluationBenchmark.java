package io.rampart.policy;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A 20-statement bucket policy (wildcard actions and resources, principals, conditions, one policy
 * variable) plus an identity policy, evaluated for a request that the last statements decide.
 * Goal: at most 2 µs per evaluation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyEvaluationBenchmark {

    private PolicySet set;
    private RequestContext allowed;
    private RequestContext denied;

    @Setup
    public void setUp() {
        StringBuilder sb = new StringBuilder("{\"Version\":\"2012-10-17\",\"Id\":\"bench\",\"Statement\":[");
        sb.append("""
                {"Sid":"DenySSEC","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket/*",
                 "Condition":{"Null":{"s3:x-amz-server-side-encryption-customer-algorithm":"false"}}},
                {"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"],
                 "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
                """);
        for (int i = 0; i < 16; i++) {
            sb.append("""
                    {"Sid":"Team%d","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/team-%d","444455556666"]},
                     "Action":["s3:GetObject","s3:List*","s3:Put*Tagging"],"Resource":"arn:aws:s3:::bucket/team-%d/*",
                     "Condition":{"IpAddress":{"aws:SourceIp":["10.%d.0.0/16","2001:db8::/32"]},"StringLike":{"s3:prefix":"team-%d/*"}}},
                    """.formatted(i, i, i, i, i));
        }
        sb.append("""
                {"Sid":"HomeDirs","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*Object",
                 "Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"},
                {"Sid":"Readers","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["s3:GetObject","s3:GetObjectVersion"],
                 "Resource":"arn:aws:s3:::bucket/shared/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"},
                 "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}
                ]}""");
        PolicyDocument bucket = PolicyDocument.parse(sb.toString(), PolicyKind.RESOURCE, "bucket");
        if (bucket.statements().size() != 20) throw new IllegalStateException("expected 20 statements");
        PolicyDocument identity = PolicyDocument.parse("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}""", PolicyKind.IDENTITY, "reader");
        set = PolicySet.builder()
                .resourcePolicy(bucket)
                .identityPolicies(identity)
                .sameAccount(true)
                .build();
        RequestContext.Principal alice = RequestContext.Principal.iamUser("111122223333", "alice", "AIDAALICE");
        allowed = RequestContext.builder()
                .principal(alice)
                .action("s3:GetObject")
                .resource("arn:aws:s3:::bucket/shared/report.pdf")
                .resourceAccountId("111122223333")
                .key("aws:SecureTransport", "true")
                .key("aws:SourceIp", "10.3.4.5")
                .key("aws:CurrentTime", "2026-05-01T12:00:00Z")
                .build();
        denied = RequestContext.builder()
                .principal(alice)
                .action("s3:PutObject")
                .resource("arn:aws:s3:::bucket/shared/report.pdf")
                .resourceAccountId("111122223333")
                .key("aws:SecureTransport", "true")
                .key("aws:SourceIp", "10.3.4.5")
                .key("s3:x-amz-server-side-encryption-customer-algorithm", "AES256")
                .build();
        if (!Evaluator.evaluate(set, allowed).allowed()) throw new IllegalStateException("allowed request denied");
        if (Evaluator.evaluate(set, denied).outcome() != Outcome.EXPLICIT_DENY) throw new IllegalStateException("deny");
    }

    /** Walks every statement: both denies miss, 16 team statements miss, the last one allows. */
    @Benchmark
    public Decision twentyStatementBucketPolicyAllow() {
        return Evaluator.evaluate(set, allowed);
    }

    @Benchmark
    public Decision twentyStatementBucketPolicyExplicitDeny() {
        return Evaluator.evaluate(set, denied);
    }
}
