package io.rampart.policy;

import static io.rampart.policy.Fixtures.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The documents from AWS's guidance against SSE-C ransomware (block writes that carry a customer
 * key) and Rampart's guardrail against data writes with long-lived keys.
 */
class AwsGuidanceTest {

    static final PolicyDocument SSE_C_BUCKET_POLICY = PolicyDocument.parse("""
            {
              "Version": "2012-10-17",
              "Statement": [
                {
                  "Sid": "RestrictSSECObjectUploads",
                  "Effect": "Deny",
                  "Principal": "*",
                  "Action": "s3:PutObject",
                  "Resource": "arn:aws:s3:::bucket/*",
                  "Condition": {
                    "Null": {
                      "s3:x-amz-server-side-encryption-customer-algorithm": "false"
                    }
                  }
                }
              ]
            }""", PolicyKind.RESOURCE, "bucket");

    static final PolicyDocument SSE_C_RCP = PolicyDocument.parse("""
            {
              "Version": "2012-10-17",
              "Statement": [
                {
                  "Sid": "RestrictSSECObjectUploads",
                  "Effect": "Deny",
                  "Principal": "*",
                  "Action": "s3:PutObject",
                  "Resource": "*",
                  "Condition": {
                    "Null": {
                      "s3:x-amz-server-side-encryption-customer-algorithm": "false"
                    }
                  }
                }
              ]
            }""", PolicyKind.RCP, "DenySSEC");

    static final PolicyDocument RCP_FULL_ACCESS = PolicyDocument.parse("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}""", PolicyKind.RCP, "RCPFullAWSAccess");

    static final PolicyDocument LONG_LIVED_KEY_GUARDRAIL = PolicyDocument.parse("""
            {
              "Version": "2012-10-17",
              "Statement": [
                {
                  "Sid": "DenyDataWritesWithLongLivedKeys",
                  "Effect": "Deny",
                  "Action": "s3:PutObject",
                  "Resource": "*",
                  "Condition": {
                    "Null": {"aws:TokenIssueTime": "true"},
                    "ArnNotLike": {
                      "aws:PrincipalArn": [
                        "arn:aws:iam::111122223333:user/break-glass",
                        "arn:aws:iam::111122223333:role/BreakGlass"
                      ]
                    }
                  }
                }
              ]
            }""", PolicyKind.SCP, "guardrail");

    static final PolicyDocument WRITER = PolicyDocument.parse("""
            {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}""", PolicyKind.IDENTITY, "writer");

    static final PolicyDocument SCP_FULL_ACCESS = PolicyDocument.parse("""
            {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}""", PolicyKind.SCP, "FullAWSAccess");

    @ParameterizedTest(name = "[{index}] bucket policy: {0} with [{1}] -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            s3:PutObject | s3:x-amz-server-side-encryption-customer-algorithm=AES256 | EXPLICIT_DENY
            s3:PutObject | s3:x-amz-server-side-encryption=aws:kms                   | ALLOW
            s3:PutObject |                                                            | ALLOW
            s3:GetObject | s3:x-amz-server-side-encryption-customer-algorithm=AES256 | ALLOW
            """)
    void sseCBucketPolicyDeniesUploadsWithCustomerKeys(String action, String keys, Outcome expected) {
        PolicySet set = PolicySet.builder()
                .resourcePolicy(SSE_C_BUCKET_POLICY)
                .identityPolicies(WRITER)
                .build();
        Decision d =
                Evaluator.evaluate(set, Fixtures.ctx(Fixtures.ALICE, action, "arn:aws:s3:::bucket/photo.jpg", keys));
        assertThat(d.outcome()).isEqualTo(expected);
        if (expected == Outcome.EXPLICIT_DENY) {
            assertThat(d.by().orElseThrow().sid()).contains("RestrictSSECObjectUploads");
        }
    }

    @ParameterizedTest(name = "[{index}] RCP: {0} on {1} with [{2}] -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            s3:PutObject | arn:aws:s3:::any-bucket/k | s3:x-amz-server-side-encryption-customer-algorithm=AES256 | EXPLICIT_DENY
            s3:PutObject | arn:aws:s3:::other/k      | s3:x-amz-server-side-encryption-customer-algorithm=AES256 | EXPLICIT_DENY
            s3:PutObject | arn:aws:s3:::any-bucket/k |                                                            | ALLOW
            """)
    void sseCRcpDeniesUploadsWithCustomerKeysAcrossAllResources(
            String action, String resource, String keys, Outcome expected) {
        PolicySet set = PolicySet.builder()
                .rcps(RCP_FULL_ACCESS, SSE_C_RCP)
                .identityPolicies(WRITER)
                .build();
        Decision d = Evaluator.evaluate(set, Fixtures.ctx(Fixtures.ALICE, action, resource, keys));
        assertThat(d.outcome()).isEqualTo(expected);
        if (expected == Outcome.EXPLICIT_DENY) {
            assertThat(d.by().orElseThrow().kind()).isEqualTo(PolicyKind.RCP);
        }
    }

    @ParameterizedTest(name = "[{index}] guardrail: {0} {1} with [{2}] -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            alice       | s3:PutObject |                                         | EXPLICIT_DENY
            alice       | s3:PutObject | aws:TokenIssueTime=2025-01-01T00:00:00Z | ALLOW
            alice       | s3:GetObject |                                         | ALLOW
            break-glass | s3:PutObject |                                         | ALLOW
            role-session| s3:PutObject | aws:TokenIssueTime=2025-01-01T00:00:00Z | ALLOW
            break-glass-role-session | s3:PutObject |                            | ALLOW
            """)
    void longLivedKeyGuardrailDeniesWritesExceptBreakGlass(String who, String action, String keys, Outcome expected) {
        RequestContext.Principal p = switch (who.trim()) {
            case "alice" -> Fixtures.ALICE;
            case "break-glass" -> RequestContext.Principal.iamUser(ACCOUNT, "break-glass", "AIDABG");
            case "role-session" -> Fixtures.ROLE_SESSION;
            default -> RequestContext.Principal.assumedRole(ACCOUNT, "BreakGlass", "s", "AROABG");
        };
        PolicySet set = PolicySet.builder()
                .scps(SCP_FULL_ACCESS, LONG_LIVED_KEY_GUARDRAIL)
                .identityPolicies(WRITER)
                .build();
        Decision d = Evaluator.evaluate(set, Fixtures.ctx(p, action, "arn:aws:s3:::bucket/k", keys));
        assertThat(d.outcome()).isEqualTo(expected);
    }
}
