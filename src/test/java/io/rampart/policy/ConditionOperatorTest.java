package io.rampart.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every condition operator, with IfExists, set operators and absent keys. Rows follow the examples
 * in AWS's "IAM JSON policy elements: Condition operators" and "Single-valued vs. multivalued
 * context keys". Keys column: {@code key=v1,v2; key2=v} ({@code k=} present but empty).
 */
class ConditionOperatorTest {

    @ParameterizedTest(name = "[{index}] {0} with [{1}] -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # String
            {"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}            | aws:PrincipalTag/job-category=iamuser-admin | true
            {"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}            | aws:PrincipalTag/job-category=IAMUser-Admin | false
            {"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}            |                                             | false
            {"StringEquals":{"AWS:PRINCIPALTAG/JOB-CATEGORY":"iamuser-admin"}}            | aws:principaltag/job-category=iamuser-admin | true
            {"StringEquals":{"aws:PrincipalTag/dept":["finance","hr"]}}                   | aws:PrincipalTag/dept=hr                    | true
            {"StringEquals":{"aws:PrincipalTag/dept":["finance","hr"],"aws:PrincipalTag/team":"a"}} | aws:PrincipalTag/dept=hr         | false
            {"StringEquals":{"aws:PrincipalTag/dept":["finance","hr"],"aws:PrincipalTag/team":"a"}} | aws:PrincipalTag/dept=hr; aws:PrincipalTag/team=a | true
            {"StringNotEquals":{"aws:PrincipalTag/dept":["finance","hr"]}}                | aws:PrincipalTag/dept=hr                    | false
            {"StringNotEquals":{"aws:PrincipalTag/dept":["finance","hr"]}}                | aws:PrincipalTag/dept=legal                 | true
            {"StringNotEquals":{"aws:PrincipalTag/dept":["finance","hr"]}}                |                                             | true
            {"StringEqualsIgnoreCase":{"aws:PrincipalTag/job-category":"iamuser-admin"}}  | aws:PrincipalTag/job-category=IAMUser-Admin | true
            {"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/job-category":"iamuser-admin"}} | aws:PrincipalTag/job-category=IAMUser-Admin | false
            {"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/job-category":"iamuser-admin"}} |                                           | true
            {"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}           | s3:prefix=home/alice/photos                 | true
            {"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}           | s3:prefix=home/bob/photos                   | false
            {"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}           | s3:prefix=                                  | false
            {"StringLike":{"s3:prefix":"ph?to*"}}                                         | s3:prefix=photos/2024                       | true
            {"StringNotLike":{"s3:prefix":"private/*"}}                                   | s3:prefix=private/x                         | false
            {"StringNotLike":{"s3:prefix":"private/*"}}                                   | s3:prefix=public/x                          | true
            {"StringNotLike":{"s3:prefix":"private/*"}}                                   |                                             | true
            {"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}            |                                             | true
            {"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}            | ec2:InstanceType=m4.large                   | false
            {"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*","m3.*"]}}            | ec2:InstanceType=t2.micro                   | true
            {"StringNotEqualsIfExists":{"aws:PrincipalTag/dept":"hr"}}                    | aws:PrincipalTag/dept=hr                    | false
            # Numeric
            {"NumericLessThanEquals":{"s3:max-keys":"10"}}                                | s3:max-keys=10                              | true
            {"NumericLessThanEquals":{"s3:max-keys":"10"}}                                | s3:max-keys=11                              | false
            {"NumericLessThanEquals":{"s3:max-keys":"10"}}                                |                                             | false
            {"NumericLessThan":{"s3:max-keys":"10"}}                                      | s3:max-keys=10                              | false
            {"NumericGreaterThan":{"s3:max-keys":"10"}}                                   | s3:max-keys=10.5                            | true
            {"NumericGreaterThanEquals":{"s3:max-keys":10}}                               | s3:max-keys=10.0                            | true
            {"NumericEquals":{"s3:max-keys":["5","10"]}}                                  | s3:max-keys=10                              | true
            {"NumericEquals":{"s3:max-keys":"10"}}                                        | s3:max-keys=ten                             | false
            {"NumericNotEquals":{"s3:max-keys":["5","10"]}}                               | s3:max-keys=10                              | false
            {"NumericNotEquals":{"s3:max-keys":["5","10"]}}                               | s3:max-keys=7                               | true
            {"NumericNotEquals":{"s3:max-keys":"10"}}                                     |                                             | true
            {"NumericLessThanIfExists":{"s3:max-keys":"10"}}                              |                                             | true
            # Date: ISO 8601 and epoch seconds
            {"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}             | aws:TokenIssueTime=2020-06-30T00:00:00Z     | true
            {"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}             | aws:TokenIssueTime=2019-12-31T23:59:59Z     | false
            {"DateLessThan":{"aws:CurrentTime":"2020-01-01"}}                             | aws:CurrentTime=2019-12-31T23:59:59Z        | true
            {"DateLessThan":{"aws:EpochTime":"1577836800"}}                               | aws:EpochTime=1577836799                    | true
            {"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}                     | aws:CurrentTime=1577836800                  | true
            {"DateEquals":{"aws:CurrentTime":"2020-01-01T01:00:00+01:00"}}                | aws:CurrentTime=2020-01-01T00:00:00.000Z    | true
            {"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}                  | aws:CurrentTime=2020-01-01T00:00:00Z        | false
            {"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}                  |                                             | true
            {"DateLessThanEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}             | aws:CurrentTime=2020-01-01T00:00:00Z        | true
            {"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}          | aws:CurrentTime=not-a-date                  | false
            {"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}             |                                             | false
            # Bool
            {"Bool":{"aws:SecureTransport":"false"}}                                      | aws:SecureTransport=false                   | true
            {"Bool":{"aws:SecureTransport":"false"}}                                      | aws:SecureTransport=true                    | false
            {"Bool":{"aws:SecureTransport":"false"}}                                      |                                             | false
            {"Bool":{"aws:SecureTransport":false}}                                        | aws:SecureTransport=FALSE                   | true
            {"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}                       |                                             | true
            {"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}                       | aws:MultiFactorAuthPresent=true             | false
            # Binary (base64)
            {"BinaryEquals":{"key:name":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}                  | key:name=QmluYXJ5VmFsdWVJbkJhc2U2NA==       | true
            {"BinaryEquals":{"key:name":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}                  | key:name=QmluYXJ5                           | false
            # IP addresses, IPv4 and IPv6
            {"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}                               | aws:SourceIp=203.0.113.77                   | true
            {"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}                               | aws:SourceIp=198.51.100.7                   | false
            {"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}                               |                                             | false
            {"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}   | aws:SourceIp=2001:db8:1234:5678::1          | true
            {"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}                      | aws:SourceIp=2001:db8:1234:5679::1          | false
            {"IpAddress":{"aws:SourceIp":"10.1.2.3"}}                                     | aws:SourceIp=10.1.2.3                       | true
            {"IpAddress":{"aws:SourceIp":"::ffff:0:0/96"}}                                | aws:SourceIp=::ffff:10.0.0.1                | true
            {"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}           | aws:SourceIp=192.0.2.9                      | false
            {"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}           | aws:SourceIp=10.0.0.1                       | true
            {"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}           |                                             | true
            {"IpAddressIfExists":{"aws:SourceIp":"192.0.2.0/24"}}                         |                                             | true
            # ARN
            {"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}} | aws:SourceArn=arn:aws:sns:us-east-1:123456789012:TOPIC-ID | true
            {"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}} | aws:SourceArn=arn:aws:sns:us-east-1:123456789012:topic-id | false
            {"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin*"}}                 | aws:PrincipalArn=arn:aws:iam::444455556666:role/AdminRole | true
            {"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin*"}}                 | aws:PrincipalArn=arn:aws:iam::444455556666:user/AdminUser | false
            {"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}                                | aws:SourceArn=arn:aws:s3:::bucket/with:colon | true
            {"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}                                | aws:SourceArn=not-an-arn                    | false
            {"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:T"}}     | aws:SourceArn=arn:aws:sns:us-east-1:123456789012:T | false
            {"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/BreakGlass"}}          |                                             | true
            {"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/BreakGlass"}}          | aws:PrincipalArn=arn:aws:iam::1:role/Other  | true
            {"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:sns:*:*:T"}}                     |                                             | true
            # Null
            {"Null":{"aws:TokenIssueTime":"true"}}                                        |                                             | true
            {"Null":{"aws:TokenIssueTime":"true"}}                                        | aws:TokenIssueTime=2024-01-01T00:00:00Z     | false
            {"Null":{"aws:TokenIssueTime":"false"}}                                       | aws:TokenIssueTime=2024-01-01T00:00:00Z     | true
            {"Null":{"aws:TokenIssueTime":false}}                                         |                                             | false
            {"Null":{"aws:TagKeys":"true"}}                                               | aws:TagKeys=                                | true
            # ForAllValues: every request value matches some policy value; absent or empty is true
            {"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}  | aws:TagKeys=environment                     | true
            {"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}  | aws:TagKeys=environment,cost-center         | true
            {"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}  | aws:TagKeys=environment,dept                | false
            {"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}  |                                             | true
            {"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}  | aws:TagKeys=                                | true
            {"ForAllValues:StringLike":{"aws:TagKeys":"Created*"}}                        | aws:TagKeys=CreatedBy,CreatedAt             | true
            {"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}                        | aws:TagKeys=x,y                             | true
            {"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}                        | aws:TagKeys=key1a,y                         | false
            # ForAnyValue: at least one request value matches; absent is false
            {"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}   | aws:TagKeys=environment,dept                | true
            {"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}   | aws:TagKeys=dept                            | false
            {"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}   |                                             | false
            {"ForAnyValue:StringNotEquals":{"aws:TagKeys":"environment"}}                 | aws:TagKeys=environment,dept                | true
            {"ForAnyValue:StringNotEquals":{"aws:TagKeys":"environment"}}                 | aws:TagKeys=environment                     | false
            {"ForAnyValue:StringNotEquals":{"aws:TagKeys":"environment"}}                 |                                             | false
            {"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"environment"}}            |                                             | true
            {"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}} | aws:PrincipalOrgPaths=o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/ | true
            # A multivalued key without a set operator: any value matching is enough; negated means none matches
            {"StringEquals":{"aws:TagKeys":"b"}}                                          | aws:TagKeys=a,b                             | true
            {"StringNotEquals":{"aws:TagKeys":"b"}}                                       | aws:TagKeys=a,b                             | false
            """)
    void conditionOperator(String condition, String keys, boolean expected) {
        PolicyDocument doc = Fixtures.identity("""
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
                 "Condition":%s}}""".formatted(condition));
        RequestContext ctx = Fixtures.ctx(Fixtures.ALICE, "s3:ListBucket", "arn:aws:s3:::b", keys);
        Decision d =
                Evaluator.evaluate(PolicySet.builder().identityPolicies(doc).build(), ctx);
        assertThat(d.allowed()).as("%s with %s", condition, keys).isEqualTo(expected);
    }
}
