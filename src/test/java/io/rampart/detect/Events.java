package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/**
 * CloudTrail records in the shape AWS documents for S3 data and management events ("CloudTrail log file examples",
 * "Amazon S3 CloudTrail events"): userIdentity, eventTime, eventSource, eventName, sourceIPAddress, userAgent,
 * requestParameters (bucketName, Host, key, headers, and the configuration documents as JSON), additionalEventData,
 * requestID, eventID, resources, eventCategory.
 */
final class Events {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2025-01-13T09:00:00Z");

    private Events() {}

    /** A fluent record builder. */
    static final class E {
        final ObjectNode r = JSON.createObjectNode();

        E(String eventName, String bucket, String key, long secondsAfterT0) {
            r.put("eventVersion", "1.11");
            user("analyst", "AKIAIOSFODNN7EXAMPLE");
            r.put("eventTime", T0.plusSeconds(secondsAfterT0).toString().replace(".000", ""));
            r.put("eventSource", "s3.amazonaws.com");
            r.put("eventName", eventName);
            r.put("awsRegion", "us-east-1");
            r.put("sourceIPAddress", "192.0.2.10");
            r.put("userAgent", "[aws-cli/2.18.5]");
            ObjectNode p = r.putObject("requestParameters");
            p.put("bucketName", bucket);
            p.put("Host", bucket + ".s3.us-east-1.amazonaws.com");
            if (key != null) p.put("key", key);
            r.putNull("responseElements");
            r.putObject("additionalEventData")
                    .put("SignatureVersion", "SigV4")
                    .put("AuthenticationMethod", "AuthHeader");
            r.put("requestID", UUID.randomUUID().toString().substring(0, 16).toUpperCase());
            r.put("eventID", UUID.randomUUID().toString());
            r.put(
                    "readOnly",
                    eventName.startsWith("Get") || eventName.startsWith("List") || eventName.startsWith("Head"));
            ObjectNode b = r.putArray("resources").addObject();
            b.put("accountId", "111122223333");
            b.put("type", "AWS::S3::Bucket");
            b.put("ARN", "arn:aws:s3:::" + bucket);
            r.put("eventType", "AwsApiCall");
            r.put("managementEvent", key == null);
            r.put("recipientAccountId", "111122223333");
            r.put("eventCategory", key == null ? "Management" : "Data");
        }

        E user(String name, String keyId) {
            ObjectNode id = r.putObject("userIdentity");
            id.put("type", "IAMUser");
            id.put("principalId", "AIDA" + name.toUpperCase());
            id.put("arn", "arn:aws:iam::111122223333:user/" + name);
            id.put("accountId", "111122223333");
            id.put("accessKeyId", keyId);
            id.put("userName", name);
            return this;
        }

        /** An assumed-role session: ASIA key and a sessionContext, as CloudTrail writes temporary credentials. */
        E role(String role, String session, String keyId) {
            ObjectNode id = r.putObject("userIdentity");
            id.put("type", "AssumedRole");
            id.put("principalId", "AROAEXAMPLE:" + session);
            id.put("arn", "arn:aws:sts::111122223333:assumed-role/" + role + "/" + session);
            id.put("accountId", "111122223333");
            id.put("accessKeyId", keyId);
            ObjectNode ctx = id.putObject("sessionContext");
            ctx.putObject("sessionIssuer").put("type", "Role").put("arn", "arn:aws:iam::111122223333:role/" + role);
            ctx.putObject("attributes")
                    .put("creationDate", "2025-01-13T08:00:00Z")
                    .put("mfaAuthenticated", "false");
            return this;
        }

        E ip(String ip) {
            r.put("sourceIPAddress", ip);
            return this;
        }

        E agent(String ua) {
            r.put("userAgent", ua);
            return this;
        }

        E param(String name, String value) {
            ((ObjectNode) r.get("requestParameters")).put(name, value);
            return this;
        }

        E doc(String name, String json) {
            try {
                ((ObjectNode) r.get("requestParameters")).set(name, JSON.readTree(json));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
            return this;
        }

        E sseC() {
            param("x-amz-server-side-encryption-customer-algorithm", "AES256");
            param("x-amz-server-side-encryption-customer-key-MD5", "2+mN1ZyQ3Wn6b0eXcGJXLA==");
            ((ObjectNode) r.get("additionalEventData")).put("SSEApplied", "SSE_C");
            return this;
        }

        /** Rampart's additionalEventData x-rampart-replaced: what the write replaced (null encryption: nothing). */
        E replaced(String encryption) {
            ObjectNode x = ((ObjectNode) r.get("additionalEventData")).putObject("x-rampart-replaced");
            x.put("existed", encryption != null);
            if (encryption != null) x.put("encryption", encryption);
            return this;
        }

        /** The copy source's SSE-C key given (an owner rotating its key), as CloudTrail and Rampart record it. */
        E copySourceKeyGiven() {
            param("x-amz-copy-source-server-side-encryption-customer-algorithm", "AES256");
            param("x-amz-copy-source-server-side-encryption-customer-key-MD5", "Zm9vYmFyYmF6cXV4cXV1eA==");
            ((ObjectNode) r.get("additionalEventData"))
                    .putObject("x-rampart-copy-source")
                    .put("encryption", "SSE-C")
                    .put("sseCKeyGiven", true);
            return this;
        }

        E sseApplied(String sse) {
            ((ObjectNode) r.get("additionalEventData")).put("SSEApplied", sse);
            return this;
        }

        E error(String code) {
            r.put("errorCode", code);
            r.put("errorMessage", code);
            return this;
        }

        JsonNode json() {
            return r;
        }
    }

    static E s3(String eventName, String bucket, String key, long t) {
        return new E(eventName, bucket, key, t);
    }

    static E put(String bucket, String key, long t) {
        return s3("PutObject", bucket, key, t);
    }

    static E copyInPlace(String bucket, String key, long t) {
        return s3("CopyObject", bucket, key, t).param("x-amz-copy-source", bucket + "/" + key);
    }
}
