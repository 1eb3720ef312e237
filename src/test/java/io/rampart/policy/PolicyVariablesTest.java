package io.rampart.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** "IAM policy elements: Variables and tags": substitution in Resource and condition values. */
class PolicyVariablesTest {

    @ParameterizedTest(name = "[{index}] {0} {1} vs {2} [{3}] -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            2012-10-17 | arn:aws:s3:::bucket/home/${aws:username}/*          | arn:aws:s3:::bucket/home/alice/f.txt | | true
            2012-10-17 | arn:aws:s3:::bucket/home/${aws:username}/*          | arn:aws:s3:::bucket/home/bob/f.txt   | | false
            2012-10-17 | arn:aws:s3:::bucket/home/${AWS:UserName}/*          | arn:aws:s3:::bucket/home/alice/f.txt | | true
            2012-10-17 | arn:aws:s3:::bucket/${aws:userid}/*                 | arn:aws:s3:::bucket/AIDAALICE/x      | | true
            2012-10-17 | arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*      | arn:aws:s3:::bucket/red/x            | aws:PrincipalTag/team=red | true
            2012-10-17 | arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*      | arn:aws:s3:::bucket/red/x            | | false
            2012-10-17 | arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/* | arn:aws:s3:::bucket/shared/x    | | true
            2012-10-17 | arn:aws:s3:::bucket/${s3:prefix}                    | arn:aws:s3:::bucket/docs             | s3:prefix=docs | true
            2012-10-17 | arn:aws:s3:::bucket/${*}                            | arn:aws:s3:::bucket/*                | | true
            2012-10-17 | arn:aws:s3:::bucket/${*}                            | arn:aws:s3:::bucket/anything         | | false
            2012-10-17 | arn:aws:s3:::bucket/a${?}                           | arn:aws:s3:::bucket/ab               | | false
            2012-10-17 | arn:aws:s3:::bucket/a${$}                           | arn:aws:s3:::bucket/a$               | | true
            2012-10-17 | arn:aws:s3:::bucket/${aws:username}*                | arn:aws:s3:::bucket/alice-notes      | | true
            2008-10-17 | arn:aws:s3:::bucket/home/${aws:username}/*          | arn:aws:s3:::bucket/home/alice/f.txt | | false
            2008-10-17 | arn:aws:s3:::bucket/home/${aws:username}/*          | arn:aws:s3:::bucket/home/${aws:username}/f.txt | | true
            """)
    void resourceVariables(String version, String pattern, String resource, String keys, boolean expected) {
        PolicyDocument doc = Fixtures.identity("""
                {"Version":"%s","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"%s"}}""".formatted(version, pattern));
        Decision d = Evaluator.evaluate(
                PolicySet.builder().identityPolicies(doc).build(),
                Fixtures.ctx(Fixtures.ALICE, "s3:GetObject", resource, keys));
        assertThat(d.allowed()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} [{1}] -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}                 | aws:PrincipalTag/owner=alice | true
            {"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}                 | aws:PrincipalTag/owner=bob   | false
            {"StringLike":{"s3:prefix":"home/${aws:username}/*"}}                         | s3:prefix=home/alice/x       | true
            {"StringEquals":{"s3:prefix":"${aws:PrincipalTag/missing}"}}                  | s3:prefix=x                  | false
            {"StringEquals":{"s3:prefix":"${aws:PrincipalTag/missing, 'x'}"}}             | s3:prefix=x                  | true
            {"StringEquals":{"s3:prefix":["${aws:PrincipalTag/missing}","x"]}}            | s3:prefix=x                  | true
            {"ArnEquals":{"aws:SourceArn":"arn:aws:iam::111122223333:user/${aws:username}"}} | aws:SourceArn=arn:aws:iam::111122223333:user/alice | true
            {"NumericEquals":{"s3:max-keys":"10"}}                                        | s3:max-keys=10               | true
            """)
    void conditionVariables(String condition, String keys, boolean expected) {
        PolicyDocument doc = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":%s}}""".formatted(condition));
        Decision d = Evaluator.evaluate(
                PolicySet.builder().identityPolicies(doc).build(),
                Fixtures.ctx(Fixtures.ALICE, "s3:ListBucket", "arn:aws:s3:::bucket", keys));
        assertThat(d.allowed()).isEqualTo(expected);
    }
}
