package io.rampart.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SCPs and RCPs evaluated level by level, as the Organizations User Guide describes in "SCP evaluation" and "RCP
 * evaluation": for an account, the path root, OU..., account; an explicit Deny at any level denies; otherwise every
 * level must have an attached policy that allows, and an Allow inherited from a parent does not stand in for a level.
 */
class OrganizationLevelsTest {
    private static final Map<String, String> SCPS = Map.of(
            "Full",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
            "S3",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}",
            "EC2",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}]}",
            "DenyDeleteBucket",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteBucket\","
                    + "\"Resource\":\"*\"}]}",
            "DenyOutsideOrgPath",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\","
                    + "\"Condition\":{\"ForAnyValue:StringNotLike\":{\"aws:PrincipalOrgPaths\":"
                    + "\"o-abcdefghij/r-ab12/ou-ab12-11111111/*\"}}}]}");

    /**
     * Each row: the policies at each level ("|" between levels root | OU... | account, "+" between the policies of one
     * level, "-" for a level with none), the action, the verdict. Rows named "Guide" follow the User Guide's worked
     * examples of SCP inheritance (FullAWSAccess at the root, narrower allows lower down).
     */
    @ParameterizedTest(name = "{0}: {1} {2} -> {3}")
    @CsvSource(delimiter = ';', textBlock = """
            Guide: FullAWSAccess everywhere allows;                   Full | Full | Full;            s3:PutObject;    ALLOW
            Guide: OU allows only S3, so EC2 is denied;               Full | S3 | Full;              ec2:RunInstances; IMPLICIT_SCP
            Guide: OU allows only S3, S3 passes every level;          Full | S3 | Full;              s3:GetObject;    ALLOW
            Guide: account allows only EC2, inherited S3 is no help;  Full | S3 | EC2;               s3:GetObject;    IMPLICIT_SCP
            Guide: no action allowed at every level;                  Full | S3 | EC2;               ec2:RunInstances; IMPLICIT_SCP
            Guide: root allows only S3 limits every account below;    S3 | Full | Full;              ec2:RunInstances; IMPLICIT_SCP
            Deny at the root reaches every account;                   Full+DenyDeleteBucket | Full | Full; s3:DeleteBucket; EXPLICIT_DENY
            Deny on the OU reaches the account inside;                Full | Full+DenyDeleteBucket | Full; s3:DeleteBucket; EXPLICIT_DENY
            Deny on the OU leaves other actions alone;                Full | Full+DenyDeleteBucket | Full; s3:PutObject;    ALLOW
            Deny on the account itself;                               Full | Full | Full+DenyDeleteBucket; s3:DeleteBucket; EXPLICIT_DENY
            Deny wins over an Allow at the same level;                Full | S3+DenyDeleteBucket;    s3:DeleteBucket; EXPLICIT_DENY
            Deny lower down wins although a higher level lacks allow; EC2 | DenyDeleteBucket;        s3:DeleteBucket; EXPLICIT_DENY
            A level with no policy allows nothing;                    Full | - | Full;               s3:GetObject;    IMPLICIT_SCP
            Two policies at one level: either may allow;              Full | EC2+S3 | Full;          s3:GetObject;    ALLOW
            Five OUs deep, each must allow;                           Full | Full | Full | Full | Full | S3 | Full; s3:GetObject; ALLOW
            Five OUs deep, the deepest narrows;                       Full | Full | Full | Full | Full | EC2 | Full; s3:GetObject; IMPLICIT_SCP
            No levels (type disabled, management account): allowed;  ;                               s3:DeleteBucket; ALLOW
            """)
    void scpLevels(String row, String levels, String action, String verdict) {
        RequestContext ctx = Fixtures.ctx(Fixtures.ALICE, action, "arn:aws:s3:::b", "");
        Optional<Decision> d = Evaluator.evaluateLevels(PolicyKind.SCP, parse(levels, PolicyKind.SCP), ctx);
        assertThat(verdict(d)).as(row).isEqualTo(verdict);
    }

    @Test
    void explicitDenyNamesTheStatementAtTheLevelThatDenied() {
        RequestContext ctx = Fixtures.ctx(Fixtures.ALICE, "s3:DeleteBucket", "arn:aws:s3:::b", "");
        Decision d = Evaluator.evaluateLevels(
                        PolicyKind.SCP, parse("Full | Full+DenyDeleteBucket | Full", PolicyKind.SCP), ctx)
                .orElseThrow();
        assertThat(d.allowed()).isFalse();
        assertThat(d.outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
        assertThat(d.by().flatMap(Deciding::policy)).hasValue("DenyDeleteBucket");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            principal in the OU the policy names;         o-abcdefghij/r-ab12/ou-ab12-11111111/;                  ALLOW
            principal in an OU below it;                  o-abcdefghij/r-ab12/ou-ab12-11111111/ou-ab12-22222222/; ALLOW
            principal directly under the root;            o-abcdefghij/r-ab12/;                                   EXPLICIT_DENY
            principal in a sibling OU;                    o-abcdefghij/r-ab12/ou-ab12-33333333/;                  EXPLICIT_DENY
            """)
    void principalOrgPathsConditionSelectsOus(String row, String path, String verdict) {
        RequestContext ctx =
                Fixtures.ctx(Fixtures.ALICE, "s3:GetObject", "arn:aws:s3:::b/k", "aws:PrincipalOrgPaths=" + path);
        Optional<Decision> d =
                Evaluator.evaluateLevels(PolicyKind.SCP, parse("Full+DenyOutsideOrgPath | Full", PolicyKind.SCP), ctx);
        assertThat(verdict(d)).as(row).isEqualTo(verdict);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            RCPFullAWSAccess at every level allows;        Full | Full | Full;           PutObject plain; ALLOW
            SSE-C deny at the root reaches every account;  Full+BlockSseC | Full | Full; PutObject SSE-C; EXPLICIT_DENY
            SSE-C deny at the root spares plain uploads;   Full+BlockSseC | Full | Full; PutObject plain; ALLOW
            SSE-C deny on one OU;                          Full | Full+BlockSseC | Full; PutObject SSE-C; EXPLICIT_DENY
            """)
    void rcpLevels(String row, String levels, String request, String verdict) {
        Map<String, String> rcps = Map.of(
                "Full",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
                        + "\"Resource\":\"*\"}]}",
                "BlockSseC",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
                        + "\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":{\"Null\":"
                        + "{\"s3:x-amz-server-side-encryption-customer-algorithm\":\"false\"}}}]}");
        List<List<PolicyDocument>> parsed = new ArrayList<>();
        for (String level : levels.split("\\|")) {
            List<PolicyDocument> docs = new ArrayList<>();
            for (String name : level.trim().split("\\+"))
                docs.add(PolicyDocument.parse(rcps.get(name.trim()), PolicyKind.RCP, name.trim()));
            parsed.add(docs);
        }
        String keys = request.endsWith("SSE-C") ? "s3:x-amz-server-side-encryption-customer-algorithm=AES256" : "";
        RequestContext ctx = Fixtures.ctx(Fixtures.BOB_OTHER, "s3:PutObject", "arn:aws:s3:::b/k", keys);
        assertThat(verdict(Evaluator.evaluateLevels(PolicyKind.RCP, parsed, ctx)))
                .as(row)
                .isEqualTo(verdict);
    }

    private static List<List<PolicyDocument>> parse(String levels, PolicyKind kind) {
        List<List<PolicyDocument>> out = new ArrayList<>();
        if (levels == null || levels.isBlank()) return out;
        for (String level : levels.split("\\|")) {
            List<PolicyDocument> docs = new ArrayList<>();
            if (!level.trim().equals("-")) {
                for (String name : level.trim().split("\\+"))
                    docs.add(PolicyDocument.parse(SCPS.get(name.trim()), kind, name.trim()));
            }
            out.add(docs);
        }
        return out;
    }

    private static String verdict(Optional<Decision> d) {
        if (d.isEmpty()) return "ALLOW";
        if (d.get().outcome() == Outcome.EXPLICIT_DENY) return "EXPLICIT_DENY";
        return "IMPLICIT_" + d.get().noAllowIn().orElseThrow();
    }
}
