package io.rampart.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The table of S3 operations to IAM actions, resources and condition keys (AWS's "Required permissions"). */
class S3ActionsTest {

    /** "a=1&b" → query map. */
    static Map<String, String> query(String q) {
        Map<String, String> m = new LinkedHashMap<>();
        if (q == null || q.isBlank()) return m;
        for (String p : q.trim().split("&")) {
            int eq = p.indexOf('=');
            m.put(eq < 0 ? p : p.substring(0, eq), eq < 0 ? "" : p.substring(eq + 1));
        }
        return m;
    }

    /** "h:v;h2:v2" → headers. */
    static Map<String, List<String>> headers(String h) {
        Map<String, List<String>> m = new HashMap<>();
        if (h == null || h.isBlank()) return m;
        for (String p : h.trim().split(";")) {
            int c = p.indexOf(':');
            m.put(p.substring(0, c).trim(), List.of(p.substring(c + 1).trim()));
        }
        return m;
    }

    static String render(List<S3Actions.Access> accesses) {
        List<String> out = new ArrayList<>();
        for (S3Actions.Access a : accesses) out.add(a.action() + " " + a.resource());
        return String.join(" + ", out);
    }

    @ParameterizedTest(name = "{0} /{1}/{2}?{3} [{4}] -> {5}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    |   |     |                         |                                          | s3:ListAllMyBuckets *
            PUT    | b |     |                         |                                          | s3:CreateBucket arn:aws:s3:::b
            PUT    | b |     |                         | x-amz-bucket-object-lock-enabled:true    | s3:CreateBucket arn:aws:s3:::b + s3:PutBucketObjectLockConfiguration arn:aws:s3:::b + s3:PutBucketVersioning arn:aws:s3:::b
            HEAD   | b |     |                         |                                          | s3:ListBucket arn:aws:s3:::b
            DELETE | b |     |                         |                                          | s3:DeleteBucket arn:aws:s3:::b
            GET    | b |     |                         |                                          | s3:ListBucket arn:aws:s3:::b
            GET    | b |     | list-type=2             |                                          | s3:ListBucket arn:aws:s3:::b
            GET    | b |     | versions                |                                          | s3:ListBucketVersions arn:aws:s3:::b
            GET    | b |     | uploads                 |                                          | s3:ListBucketMultipartUploads arn:aws:s3:::b
            GET    | b |     | location                |                                          | s3:GetBucketLocation arn:aws:s3:::b
            GET    | b |     | versioning              |                                          | s3:GetBucketVersioning arn:aws:s3:::b
            PUT    | b |     | versioning              |                                          | s3:PutBucketVersioning arn:aws:s3:::b
            GET    | b |     | object-lock             |                                          | s3:GetBucketObjectLockConfiguration arn:aws:s3:::b
            PUT    | b |     | object-lock             |                                          | s3:PutBucketObjectLockConfiguration arn:aws:s3:::b
            GET    | b |     | replication             |                                          | s3:GetReplicationConfiguration arn:aws:s3:::b
            PUT    | b |     | replication             |                                          | s3:PutReplicationConfiguration arn:aws:s3:::b
            DELETE | b |     | replication             |                                          | s3:PutReplicationConfiguration arn:aws:s3:::b
            GET    | b |     | acl                     |                                          | s3:GetBucketAcl arn:aws:s3:::b
            PUT    | b |     | ownershipControls       |                                          | s3:PutBucketOwnershipControls arn:aws:s3:::b
            DELETE | b |     | ownershipControls       |                                          | s3:PutBucketOwnershipControls arn:aws:s3:::b
            GET    | b |     | encryption              |                                          | s3:GetEncryptionConfiguration arn:aws:s3:::b
            PUT    | b |     | encryption              |                                          | s3:PutEncryptionConfiguration arn:aws:s3:::b
            DELETE | b |     | encryption              |                                          | s3:PutEncryptionConfiguration arn:aws:s3:::b
            GET    | b |     | lifecycle               |                                          | s3:GetLifecycleConfiguration arn:aws:s3:::b
            PUT    | b |     | lifecycle               |                                          | s3:PutLifecycleConfiguration arn:aws:s3:::b
            DELETE | b |     | lifecycle               |                                          | s3:PutLifecycleConfiguration arn:aws:s3:::b
            GET    | b |     | policy                  |                                          | s3:GetBucketPolicy arn:aws:s3:::b
            PUT    | b |     | policy                  |                                          | s3:PutBucketPolicy arn:aws:s3:::b
            DELETE | b |     | policy                  |                                          | s3:DeleteBucketPolicy arn:aws:s3:::b
            GET    | b |     | policyStatus            |                                          | s3:GetBucketPolicyStatus arn:aws:s3:::b
            POST   | b |     | delete                  |                                          |
            GET    | b | k   |                         |                                          | s3:GetObject arn:aws:s3:::b/k
            HEAD   | b | k   |                         |                                          | s3:GetObject arn:aws:s3:::b/k
            GET    | b | k   | versionId=v1            |                                          | s3:GetObjectVersion arn:aws:s3:::b/k
            HEAD   | b | k   | versionId=v1            |                                          | s3:GetObjectVersion arn:aws:s3:::b/k
            PUT    | b | a/k |                         |                                          | s3:PutObject arn:aws:s3:::b/a/k
            PUT    | b | k   |                         | x-amz-tagging:a=1                        | s3:PutObject arn:aws:s3:::b/k + s3:PutObjectTagging arn:aws:s3:::b/k
            PUT    | b | k   |                         | x-amz-acl:public-read                    | s3:PutObject arn:aws:s3:::b/k + s3:PutObjectAcl arn:aws:s3:::b/k
            PUT    | b |     |                         | x-amz-object-ownership:ObjectWriter      | s3:CreateBucket arn:aws:s3:::b + s3:PutBucketOwnershipControls arn:aws:s3:::b
            PUT    | b | k   |                         | x-amz-object-lock-mode:GOVERNANCE;x-amz-object-lock-legal-hold:ON | s3:PutObject arn:aws:s3:::b/k + s3:PutObjectRetention arn:aws:s3:::b/k + s3:PutObjectLegalHold arn:aws:s3:::b/k
            PUT    | b | k   |                         | x-amz-copy-source:/src/sk                | s3:GetObject arn:aws:s3:::src/sk + s3:PutObject arn:aws:s3:::b/k
            PUT    | b | k   |                         | x-amz-copy-source:src/s%20k?versionId=v9 | s3:GetObjectVersion arn:aws:s3:::src/s k + s3:PutObject arn:aws:s3:::b/k
            PUT    | b | k   | partNumber=1&uploadId=u | x-amz-copy-source:src/sk                 | s3:GetObject arn:aws:s3:::src/sk + s3:PutObject arn:aws:s3:::b/k
            PUT    | b | k   | partNumber=1&uploadId=u |                                          | s3:PutObject arn:aws:s3:::b/k
            POST   | b | k   | uploads                 |                                          | s3:PutObject arn:aws:s3:::b/k
            POST   | b | k   | uploadId=u              |                                          | s3:PutObject arn:aws:s3:::b/k
            DELETE | b | k   | uploadId=u              |                                          | s3:AbortMultipartUpload arn:aws:s3:::b/k
            GET    | b | k   | uploadId=u              |                                          | s3:ListMultipartUploadParts arn:aws:s3:::b/k
            DELETE | b | k   |                         |                                          | s3:DeleteObject arn:aws:s3:::b/k
            DELETE | b | k   | versionId=v1            |                                          | s3:DeleteObjectVersion arn:aws:s3:::b/k
            DELETE | b | k   | versionId=v1            | x-amz-bypass-governance-retention:true   | s3:DeleteObjectVersion arn:aws:s3:::b/k + s3:BypassGovernanceRetention arn:aws:s3:::b/k
            GET    | b | k   | tagging                 |                                          | s3:GetObjectTagging arn:aws:s3:::b/k
            GET    | b | k   | tagging&versionId=v     |                                          | s3:GetObjectVersionTagging arn:aws:s3:::b/k
            PUT    | b | k   | tagging                 |                                          | s3:PutObjectTagging arn:aws:s3:::b/k
            PUT    | b | k   | tagging&versionId=v     |                                          | s3:PutObjectVersionTagging arn:aws:s3:::b/k
            DELETE | b | k   | tagging                 |                                          | s3:DeleteObjectTagging arn:aws:s3:::b/k
            DELETE | b | k   | tagging&versionId=v     |                                          | s3:DeleteObjectVersionTagging arn:aws:s3:::b/k
            GET    | b | k   | acl                     |                                          | s3:GetObjectAcl arn:aws:s3:::b/k
            GET    | b | k   | acl&versionId=v         |                                          | s3:GetObjectVersionAcl arn:aws:s3:::b/k
            GET    | b | k   | retention               |                                          | s3:GetObjectRetention arn:aws:s3:::b/k
            PUT    | b | k   | retention               |                                          | s3:PutObjectRetention arn:aws:s3:::b/k
            PUT    | b | k   | retention               | x-amz-bypass-governance-retention:true   | s3:PutObjectRetention arn:aws:s3:::b/k + s3:BypassGovernanceRetention arn:aws:s3:::b/k
            GET    | b | k   | legal-hold              |                                          | s3:GetObjectLegalHold arn:aws:s3:::b/k
            PUT    | b | k   | legal-hold              |                                          | s3:PutObjectLegalHold arn:aws:s3:::b/k
            """)
    void everyOperationMapsToItsActionsAndResources(
            String method, String bucket, String key, String q, String h, String expected) {
        Map<String, List<String>> hs = headers(h);
        Operation op = Router.route(method, bucket, key, query(q), hs.containsKey("x-amz-copy-source"));
        assertThat(render(S3Actions.of(op, bucket, key, query(q), hs))).isEqualTo(expected == null ? "" : expected);
    }

    @Test
    void everyOperationButDeleteObjectsAndNotImplementedNeedsAPermission() {
        for (Operation op : Operation.values()) {
            List<S3Actions.Access> a = S3Actions.of(op, "b", "k", Map.of(), Map.of());
            if (op == Operation.DELETE_OBJECTS || op == Operation.NOT_IMPLEMENTED) {
                assertThat(a).as(op.name()).isEmpty();
            } else {
                assertThat(a)
                        .as(op.name())
                        .isNotEmpty()
                        .allSatisfy(x -> assertThat(x.action()).startsWith("s3:"));
            }
        }
    }

    @Test
    void deleteObjectsChecksEachKey() {
        assertThat(render(S3Actions.deleteKey("b", "x/y", null, false)))
                .isEqualTo("s3:DeleteObject arn:aws:s3:::b/x/y");
        assertThat(render(S3Actions.deleteKey("b", "x", "v1", true)))
                .isEqualTo("s3:DeleteObjectVersion arn:aws:s3:::b/x + s3:BypassGovernanceRetention arn:aws:s3:::b/x");
    }

    @Test
    void sseCopyAndTaggingHeadersBecomeConditionKeys() {
        Map<String, List<String>> keys = new HashMap<>();
        S3Actions.conditionKeys(
                Operation.COPY_OBJECT,
                Map.of(),
                headers(
                        "x-amz-copy-source:/src/a%2Fb?versionId=1;x-amz-server-side-encryption-customer-algorithm:AES256;"
                                + "x-amz-metadata-directive:REPLACE;x-amz-server-side-encryption:AES256;x-amz-tagging:team=red&x=1"),
                keys);
        assertThat(keys)
                .containsEntry("s3:x-amz-server-side-encryption-customer-algorithm", List.of("AES256"))
                .containsEntry("s3:x-amz-server-side-encryption", List.of("AES256"))
                .containsEntry("s3:x-amz-copy-source", List.of("src/a/b"))
                .containsEntry("s3:x-amz-metadata-directive", List.of("REPLACE"))
                .containsEntry("s3:RequestObjectTag/team", List.of("red"))
                .containsEntry("s3:RequestObjectTagKeys", List.of("team", "x"));
    }

    @Test
    void listingParametersVersionIdAndObjectLockHeadersBecomeConditionKeys() {
        Map<String, List<String>> keys = new HashMap<>();
        S3Actions.conditionKeys(
                Operation.LIST_OBJECTS_V2, query("list-type=2&prefix=home/&delimiter=/&max-keys=10"), Map.of(), keys);
        assertThat(keys)
                .containsEntry("s3:prefix", List.of("home/"))
                .containsEntry("s3:delimiter", List.of("/"))
                .containsEntry("s3:max-keys", List.of("10"))
                .doesNotContainKey("s3:versionid");
        keys.clear();
        S3Actions.conditionKeys(
                Operation.GET_OBJECT,
                query("versionId=v1&prefix=x"),
                headers("x-amz-object-lock-mode:COMPLIANCE;x-amz-object-lock-retain-until-date:2030-01-01T00:00:00Z"),
                keys);
        assertThat(keys)
                .containsEntry("s3:versionid", List.of("v1"))
                .containsEntry("s3:object-lock-mode", List.of("COMPLIANCE"))
                .containsEntry("s3:object-lock-retain-until-date", List.of("2030-01-01T00:00:00Z"))
                .doesNotContainKey("s3:prefix");
    }
}
