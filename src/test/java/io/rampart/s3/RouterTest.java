package io.rampart.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The router against the request syntax of AWS's Amazon S3 API Reference ("Request Syntax" and the examples of each
 * operation's page, path-style: {@code /bucket/key}), one row per documented request, and every operation it names.
 */
class RouterTest {

    /** method | bucket | key | query (as sent) | headers that matter to routing | operation. */
    private static final String TABLE = """
            GET    |             |                   |                                                  |                                        | LIST_BUCKETS
            GET    |             |                   | max-buckets=10&prefix=ex                         |                                        | LIST_BUCKETS
            PUT    | examplebucket |                 |                                                  |                                        | CREATE_BUCKET
            PUT    | examplebucket |                 |                                                  | x-amz-bucket-object-lock-enabled       | CREATE_BUCKET
            HEAD   | examplebucket |                 |                                                  |                                        | HEAD_BUCKET
            DELETE | examplebucket |                 |                                                  |                                        | DELETE_BUCKET
            GET    | examplebucket |                 | location                                         |                                        | GET_BUCKET_LOCATION
            GET    | examplebucket |                 | versioning                                       |                                        | GET_BUCKET_VERSIONING
            PUT    | examplebucket |                 | versioning                                       |                                        | PUT_BUCKET_VERSIONING
            GET    | examplebucket |                 | versions                                         |                                        | LIST_OBJECT_VERSIONS
            GET    | examplebucket |                 | versions&key-marker=key2&max-keys=3&prefix=photos |                                       | LIST_OBJECT_VERSIONS
            GET    | examplebucket |                 | object-lock                                      |                                        | GET_OBJECT_LOCK_CONFIGURATION
            PUT    | examplebucket |                 | object-lock                                      |                                        | PUT_OBJECT_LOCK_CONFIGURATION
            GET    | examplebucket | my-image.jpg      | retention                                        |                                        | GET_OBJECT_RETENTION
            PUT    | examplebucket | my-image.jpg      | retention                                        | x-amz-bypass-governance-retention      | PUT_OBJECT_RETENTION
            GET    | examplebucket | my-image.jpg      | legal-hold                                       |                                        | GET_OBJECT_LEGAL_HOLD
            PUT    | examplebucket | my-image.jpg      | legal-hold&versionId=3HL4kqtJlcpXroDTDmJ         |                                        | PUT_OBJECT_LEGAL_HOLD
            GET    | examplebucket |                 | acl                                              |                                        | GET_BUCKET_ACL
            PUT    | examplebucket |                 | acl                                              |                                        | PUT_BUCKET_ACL
            GET    | examplebucket |                 | encryption                                       |                                        | GET_BUCKET_ENCRYPTION
            PUT    | examplebucket |                 | encryption                                       |                                        | PUT_BUCKET_ENCRYPTION
            DELETE | examplebucket |                 | encryption                                       |                                        | DELETE_BUCKET_ENCRYPTION
            GET    | examplebucket |                 | lifecycle                                        |                                        | GET_BUCKET_LIFECYCLE_CONFIGURATION
            PUT    | examplebucket |                 | lifecycle                                        |                                        | PUT_BUCKET_LIFECYCLE_CONFIGURATION
            DELETE | examplebucket |                 | lifecycle                                        |                                        | DELETE_BUCKET_LIFECYCLE
            GET    | examplebucket |                 |                                                  |                                        | LIST_OBJECTS
            GET    | examplebucket |                 | prefix=N&marker=Ned&max-keys=40                  |                                        | LIST_OBJECTS
            GET    | examplebucket |                 | list-type=2                                      |                                        | LIST_OBJECTS_V2
            GET    | examplebucket |                 | list-type=2&max-keys=3&prefix=E&start-after=ExampleGuide.pdf |                            | LIST_OBJECTS_V2
            GET    | examplebucket |                 | uploads                                          |                                        | LIST_MULTIPART_UPLOADS
            GET    | examplebucket |                 | uploads&max-uploads=3                            |                                        | LIST_MULTIPART_UPLOADS
            POST   | examplebucket |                 | delete                                           |                                        | DELETE_OBJECTS
            PUT    | examplebucket | my-image.jpg      |                                                  |                                        | PUT_OBJECT
            PUT    | examplebucket | my-second-image.jpg |                                                |                                        | PUT_OBJECT
            PUT    | examplebucket | my-second-image.jpg |                                                | x-amz-copy-source                      | COPY_OBJECT
            GET    | examplebucket | my-image.jpg      |                                                  |                                        | GET_OBJECT
            GET    | examplebucket | my-image.jpg      | versionId=3HL4kqtJlcpXroDTDmjVBH40Nrjfkd         |                                        | GET_OBJECT
            GET    | examplebucket | my-image.jpg      | response-content-type=text/plain                 |                                        | GET_OBJECT
            HEAD   | examplebucket | my-image.jpg      |                                                  |                                        | HEAD_OBJECT
            HEAD   | examplebucket | my-image.jpg      | versionId=3HL4kqtJlcpXroDTDmjVBH40Nrjfkd         |                                        | HEAD_OBJECT
            HEAD   | examplebucket | my-image.jpg      | partNumber=1                                     |                                        | HEAD_OBJECT
            DELETE | examplebucket | my-second-image.jpg |                                                |                                        | DELETE_OBJECT
            DELETE | examplebucket | my-third-image.jpg | versionId=UIORUnfndfiufdisojhr398493jfdkjFJjkndnqUifhnw89493jJFJ |                | DELETE_OBJECT
            GET    | examplebucket | my-image.jpg      | acl                                              |                                        | GET_OBJECT_ACL
            PUT    | examplebucket | my-image.jpg      | acl                                              |                                        | PUT_OBJECT_ACL
            GET    | examplebucket | example-object    | tagging                                          |                                        | GET_OBJECT_TAGGING
            PUT    | examplebucket | example-object    | tagging                                          |                                        | PUT_OBJECT_TAGGING
            DELETE | examplebucket | example-object    | tagging                                          |                                        | DELETE_OBJECT_TAGGING
            DELETE | examplebucket | example-object    | tagging&versionId=ydlaNkwWm0SfKJR.T1b1fIdPRbldTYRI |                                      | DELETE_OBJECT_TAGGING
            POST   | examplebucket | example-object    | uploads                                          |                                        | CREATE_MULTIPART_UPLOAD
            PUT    | examplebucket | my-movie.m2ts     | partNumber=1&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR |          | UPLOAD_PART
            PUT    | examplebucket | example-object    | partNumber=1&uploadId=example7YPBOJuoFiQ9cz4P3Pe6FIZwO4f7wN93uHsNBEw97pl5eNwzExg0LAT2dUN91cOmrEQHDsP3WA60CEg-- | x-amz-copy-source | UPLOAD_PART_COPY
            POST   | examplebucket | example-object    | uploadId=AAAsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR |                      | COMPLETE_MULTIPART_UPLOAD
            DELETE | examplebucket | example-object    | uploadId=VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZ |                       | ABORT_MULTIPART_UPLOAD
            GET    | examplebucket | example-object    | uploadId=XXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA&max-parts=2&part-number-marker=1 | | LIST_PARTS
            GET    | examplebucket |                 | policy                                           |                                        | GET_BUCKET_POLICY
            PUT    | examplebucket |                 | policy                                           |                                        | PUT_BUCKET_POLICY
            DELETE | examplebucket |                 | policy                                           |                                        | DELETE_BUCKET_POLICY
            GET    | examplebucket |                 | policyStatus                                     |                                        | GET_BUCKET_POLICY_STATUS
            GET    | examplebucket |                 | publicAccessBlock                                |                                        | GET_PUBLIC_ACCESS_BLOCK
            PUT    | examplebucket |                 | publicAccessBlock                                |                                        | PUT_PUBLIC_ACCESS_BLOCK
            DELETE | examplebucket |                 | publicAccessBlock                                |                                        | DELETE_PUBLIC_ACCESS_BLOCK
            GET    | examplebucket |                 | logging                                          |                                        | GET_BUCKET_LOGGING
            PUT    | examplebucket |                 | logging                                          |                                        | PUT_BUCKET_LOGGING
            GET    | examplebucket |                 | notification                                     |                                        | GET_BUCKET_NOTIFICATION_CONFIGURATION
            PUT    | examplebucket |                 | notification                                     |                                        | PUT_BUCKET_NOTIFICATION_CONFIGURATION
            GET    | examplebucket |                 | replication                                      |                                        | GET_BUCKET_REPLICATION
            PUT    | examplebucket |                 | replication                                      |                                        | PUT_BUCKET_REPLICATION
            DELETE | examplebucket |                 | replication                                      |                                        | DELETE_BUCKET_REPLICATION
            GET    | examplebucket |                 | website                                          |                                        | GET_BUCKET_WEBSITE
            DELETE | examplebucket |                 | website                                          |                                        | DELETE_BUCKET_WEBSITE
            GET    | examplebucket |                 | cors                                             |                                        | GET_BUCKET_CORS
            DELETE | examplebucket |                 | cors                                             |                                        | DELETE_BUCKET_CORS
            GET    | examplebucket |                 | accelerate                                       |                                        | GET_BUCKET_ACCELERATE_CONFIGURATION
            GET    | examplebucket |                 | requestPayment                                   |                                        | GET_BUCKET_REQUEST_PAYMENT
            PUT    | examplebucket |                 | requestPayment                                   |                                        | PUT_BUCKET_REQUEST_PAYMENT
            GET    | examplebucket |                 | ownershipControls                                |                                        | GET_BUCKET_OWNERSHIP_CONTROLS
            PUT    | examplebucket |                 | ownershipControls                                |                                        | PUT_BUCKET_OWNERSHIP_CONTROLS
            DELETE | examplebucket |                 | ownershipControls                                |                                        | DELETE_BUCKET_OWNERSHIP_CONTROLS
            POST   | examplebucket |                 |                                                  |                                        | POST_OBJECT
            GET    | examplebucket |                 | tagging                                          |                                        | GET_BUCKET_TAGGING
            DELETE | examplebucket |                 | tagging                                          |                                        | DELETE_BUCKET_TAGGING
            GET    | examplebucket | example-object    | attributes                                       |                                        | GET_OBJECT_ATTRIBUTES
            GET    | examplebucket | example-object    | attributes&versionId=3HL4kqtJlcpXroDTDmJ         |                                        | GET_OBJECT_ATTRIBUTES
            PUT    | examplebucket |                 | tagging                                          |                                        | PUT_BUCKET_TAGGING
            PUT    | examplebucket |                 | website                                          |                                        | PUT_BUCKET_WEBSITE
            PUT    | examplebucket |                 | cors                                             |                                        | PUT_BUCKET_CORS
            PUT    | examplebucket |                 | accelerate                                       |                                        | NOT_IMPLEMENTED
            GET    | examplebucket |                 | analytics&id=list1                               |                                        | NOT_IMPLEMENTED
            GET    | examplebucket |                 | inventory&id=report1                             |                                        | NOT_IMPLEMENTED
            GET    | examplebucket |                 | metrics&id=EntireBucket                          |                                        | NOT_IMPLEMENTED
            GET    | examplebucket |                 | intelligent-tiering&id=ExampleConfig             |                                        | NOT_IMPLEMENTED
            POST   | examplebucket | example-object    | restore                                          |                                        | NOT_IMPLEMENTED
            POST   | examplebucket | example-object    | select&select-type=2                             |                                        | NOT_IMPLEMENTED
            GET    | examplebucket | example-object    | torrent                                          |                                        | NOT_IMPLEMENTED
            POST   | examplebucket | example-object    |                                                  |                                        | NOT_IMPLEMENTED
            POST   |             |                   |                                                  |                                        | NOT_IMPLEMENTED
            """;

    static List<Arguments> rows() {
        List<Arguments> out = new ArrayList<>();
        for (String line : TABLE.strip().split("\n")) {
            String[] c = line.split("\\|", -1);
            if (c.length != 6) throw new IllegalStateException("a row has six columns: " + line);
            out.add(Arguments.of(
                    c[0].trim(),
                    blankToNull(c[1]),
                    blankToNull(c[2]),
                    c[3].trim(),
                    c[4].trim(),
                    Operation.valueOf(c[5].trim())));
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s.isBlank() ? null : s.trim();
    }

    @ParameterizedTest(name = "{0} /{1}/{2}?{3} [{4}] -> {5}")
    @MethodSource("rows")
    void routesAwsDocumentedRequests(
            String method, String bucket, String key, String query, String headers, Operation expected) {
        Map<String, String> q = S3ActionsTest.query(query);
        Set<String> h = headers.isEmpty() ? Set.of() : Set.of(headers.split(";"));
        assertThat(Router.route(method, bucket, key, q, h.contains("x-amz-copy-source")))
                .isEqualTo(expected);
    }

    @Test
    void theTableCoversEveryOperation() {
        Set<Operation> seen = EnumSet.noneOf(Operation.class);
        for (Arguments a : rows()) seen.add((Operation) a.get()[5]);
        assertThat(EnumSet.complementOf(EnumSet.copyOf(seen)))
                .as("operations without a documented request")
                .isEmpty();
    }
}
