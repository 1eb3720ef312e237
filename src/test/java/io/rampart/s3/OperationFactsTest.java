package io.rampart.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every operation the router names carries all its facts, and they agree with each other. */
class OperationFactsTest {

    @ParameterizedTest
    @EnumSource(value = Operation.class, names = "NOT_IMPLEMENTED", mode = EnumSource.Mode.EXCLUDE)
    void hasEveryFact(Operation op) {
        assertThat(op.awsName()).as("eventName").matches("[A-Z][A-Za-z0-9]+");
        assertThat(op.scope()).as("scope").isNotNull();
        assertThat(op.actions()).as("IAM actions").isNotEmpty().allMatch(a -> a.matches("s3:[A-Z][A-Za-z]+"));
        assertThat(op.versionActions())
                .as("IAM actions with a version")
                .hasSameSizeAs(op.actions())
                .allMatch(a -> a.matches("s3:[A-Z][A-Za-z]+"));
        String log = op.accessLogName("BREW");
        assertThat(log).as("access log name").matches("REST\\.(GET|HEAD|PUT|POST|DELETE|COPY)\\.[A-Z_]+");
        assertThat(log).as("no operation logs as UNKNOWN").doesNotEndWith(".UNKNOWN");
    }

    @ParameterizedTest
    @EnumSource(value = Operation.class, names = "NOT_IMPLEMENTED", mode = EnumSource.Mode.EXCLUDE)
    void factsAgree(Operation op) {
        String verb = op.accessLogName("BREW").split("\\.")[1];
        // Reads are the GET and HEAD operations; a copy reads its source but writes.
        assertThat(op.readOnly("BREW")).as("readOnly").isEqualTo(verb.equals("GET") || verb.equals("HEAD"));
        boolean management = op.managementEvent(true, true);
        if (op.scope() == Operation.Scope.OBJECT)
            assertThat(management).as("object operations are data events").isFalse();
        if (op.scope() == Operation.Scope.SERVICE)
            assertThat(management).as("service operations are management").isTrue();
        if (op.trailDocument().isPresent()) {
            assertThat(op.readOnly("GET")).as("documents come with writes").isFalse();
            assertThat(management).as("documents are bucket configuration").isTrue();
        }
        // What the router took the verb from: the request's method (COPY is a PUT with x-amz-copy-source).
        for (var row : RouterTest.rows()) {
            if (row.get()[5] != op) continue;
            String method = (String) row.get()[0];
            assertThat(verb).as(op + " logged verb").isEqualTo(verb.equals("COPY") ? "COPY" : method);
            assertThat(op.accessLogName(method)).isEqualTo(op.accessLogName("BREW"));
        }
    }

    @Test
    void knownNamesAsAwsWritesThem() {
        assertThat(Operation.COPY_OBJECT.accessLogName("PUT")).isEqualTo("REST.COPY.OBJECT");
        assertThat(Operation.UPLOAD_PART_COPY.accessLogName("PUT")).isEqualTo("REST.COPY.PART");
        assertThat(Operation.DELETE_OBJECTS.accessLogName("POST")).isEqualTo("REST.POST.MULTI_OBJECT_DELETE");
        assertThat(Operation.LIST_OBJECTS_V2.accessLogName("GET")).isEqualTo("REST.GET.BUCKET");
        assertThat(Operation.PUT_PUBLIC_ACCESS_BLOCK.accessLogName("PUT")).isEqualTo("REST.PUT.PUBLIC_ACCESS_BLOCK");
        assertThat(Operation.DELETE_BUCKET_REPLICATION.accessLogName("DELETE")).isEqualTo("REST.DELETE.REPLICATION");
        assertThat(Operation.PUT_BUCKET_LIFECYCLE_CONFIGURATION.awsName()).isEqualTo("PutBucketLifecycle");
        assertThat(Operation.PUT_BUCKET_POLICY.trailDocument()).contains(Operation.TrailDocument.BUCKET_POLICY);
        assertThat(Operation.GET_OBJECT.versionActions()).containsExactly("s3:GetObjectVersion");
        assertThat(Operation.LIST_OBJECTS.managementEvent(true, false)).isFalse();
        assertThat(Operation.GET_BUCKET_ACL.managementEvent(true, false)).isTrue();
    }

    @Test
    void notImplementedTakesItsFactsFromTheRequest() {
        Operation op = Operation.NOT_IMPLEMENTED;
        assertThat(op.actions()).isEmpty();
        assertThat(op.trailDocument()).isEmpty();
        assertThat(op.accessLogName("get")).isEqualTo("REST.GET.UNKNOWN");
        assertThat(op.readOnly("GET")).isTrue();
        assertThat(op.readOnly("HEAD")).isTrue();
        assertThat(op.readOnly("POST")).isFalse();
        assertThat(op.managementEvent(false, false)).isTrue();
        assertThat(op.managementEvent(true, false)).isTrue();
        assertThat(op.managementEvent(true, true)).isFalse();
    }
}
