package io.rampart.iam;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AWS-managed policies Rampart knows ({@code arn:aws:iam::aws:policy/...}), so Terraform modules and CLI recipes
 * that attach them work unchanged. Their documents are AWS's, reduced to the services Rampart serves.
 */
final class AwsManagedPolicies {
    private AwsManagedPolicies() {}

    private static final Instant CREATED = Instant.parse("2015-02-06T18:40:00Z");

    static final Map<String, String> DOCUMENTS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(
                "AdministratorAccess",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        m.put(
                "AmazonS3FullAccess",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:*\",\"s3-object-lambda:*\"],"
                        + "\"Resource\":\"*\"}]}");
        m.put(
                "AmazonS3ReadOnlyAccess",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:Get*\",\"s3:List*\","
                        + "\"s3:Describe*\",\"s3-object-lambda:Get*\",\"s3-object-lambda:List*\"],\"Resource\":\"*\"}]}");
        m.put(
                "IAMFullAccess",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"iam:*\","
                        + "\"organizations:DescribeAccount\",\"organizations:DescribeOrganization\","
                        + "\"organizations:DescribeOrganizationalUnit\",\"organizations:DescribePolicy\","
                        + "\"organizations:ListChildren\",\"organizations:ListParents\","
                        + "\"organizations:ListPoliciesForTarget\",\"organizations:ListRoots\","
                        + "\"organizations:ListPolicies\",\"organizations:ListTargetsForPolicy\"],\"Resource\":\"*\"}]}");
        m.put(
                "IAMReadOnlyAccess",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"iam:GenerateCredentialReport\","
                        + "\"iam:Get*\",\"iam:List*\",\"iam:SimulateCustomPolicy\",\"iam:SimulatePrincipalPolicy\"],"
                        + "\"Resource\":\"*\"}]}");
        DOCUMENTS = Map.copyOf(m);
    }

    static Optional<ManagedPolicy> find(String arn) {
        String prefix = "arn:aws:iam::aws:policy/";
        if (!arn.startsWith(prefix)) return Optional.empty();
        String name = arn.substring(prefix.length());
        return DOCUMENTS.containsKey(name) ? Optional.of(policy(name)) : Optional.empty();
    }

    static ManagedPolicy policy(String name) {
        return new ManagedPolicy(
                "aws",
                name,
                "ANPA" + Integer.toHexString(name.hashCode()).toUpperCase(java.util.Locale.ROOT) + "AWSMANAGED",
                "/",
                "v1",
                0,
                CREATED,
                CREATED,
                "AWS managed policy " + name,
                Map.of());
    }

    static List<ManagedPolicy> all() {
        return DOCUMENTS.keySet().stream()
                .sorted()
                .map(AwsManagedPolicies::policy)
                .toList();
    }
}
