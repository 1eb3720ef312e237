package io.rampart.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * AWS Organizations calls (JSON 1.1 with X-Amz-Target) signed by the AWS SDK's own SigV4 signer, as the Organizations
 * client would send them (that client is not available from this machine's Maven mirror).
 */
final class OrganizationsCalls {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RampartServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    OrganizationsCalls(RampartServer server) {
        this.server = server;
    }

    /** The answer: HTTP status and JSON body. */
    record Answer(int status, JsonNode body) {
        String errorType() {
            return body.path("__type").asText();
        }
    }

    Answer call(String action, String jsonBody) {
        return call(action, jsonBody, RampartServer.ACCESS_KEY, RampartServer.SECRET_KEY);
    }

    /** A call the management account's admin makes that must succeed; its JSON answer. */
    JsonNode ok(String action, String jsonBody) {
        Answer a = call(action, jsonBody);
        if (a.status() != 200) throw new AssertionError(action + " " + jsonBody + " -> " + a.status() + " " + a.body());
        return a.body();
    }

    /** CreateOrganization unless one exists already (tests of one class share a server). */
    void ensureOrganization() {
        Answer a = call("CreateOrganization", "{\"FeatureSet\":\"ALL\"}");
        if (a.status() != 200 && !a.errorType().equals("AlreadyInOrganizationException"))
            throw new AssertionError("CreateOrganization: " + a.body());
    }

    String rootId() {
        return ok("ListRoots", "{}").path("Roots").get(0).path("Id").asText();
    }

    /** EnablePolicyType unless the type is enabled already. */
    void ensurePolicyType(String type) {
        Answer a = call(
                "EnablePolicyType",
                JSON.createObjectNode()
                        .put("RootId", rootId())
                        .put("PolicyType", type)
                        .toString());
        if (a.status() != 200 && !a.errorType().equals("PolicyTypeAlreadyEnabledException"))
            throw new AssertionError("EnablePolicyType: " + a.body());
    }

    /** CreateAccount (completed before the answer here); the new account's id. */
    String createAccount(String name, String email) {
        JsonNode s = ok(
                        "CreateAccount",
                        JSON.createObjectNode()
                                .put("AccountName", name)
                                .put("Email", email)
                                .toString())
                .path("CreateAccountStatus");
        if (!s.path("State").asText().equals("SUCCEEDED")) throw new AssertionError("CreateAccount: " + s);
        return s.path("AccountId").asText();
    }

    /** The member account's OrganizationAccountAccessRole, assumed by the management account's admin. */
    software.amazon.awssdk.auth.credentials.AwsSessionCredentials accessRole(String account) {
        var c = server.sts()
                .assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole")
                        .roleSessionName("owner"))
                .credentials();
        return software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(
                c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
    }

    /** CreatePolicy; the new policy's id. */
    String createPolicy(String name, String type, String content) {
        return ok(
                        "CreatePolicy",
                        JSON.createObjectNode()
                                .put("Name", name)
                                .put("Description", "")
                                .put("Type", type)
                                .put("Content", content)
                                .toString())
                .path("Policy")
                .path("PolicySummary")
                .path("Id")
                .asText();
    }

    void attach(String policyId, String target) {
        ok("AttachPolicy", "{\"PolicyId\":\"" + policyId + "\",\"TargetId\":\"" + target + "\"}");
    }

    void detach(String policyId, String target) {
        ok("DetachPolicy", "{\"PolicyId\":\"" + policyId + "\",\"TargetId\":\"" + target + "\"}");
    }

    Answer call(String action, String jsonBody, String accessKey, String secretKey) {
        return call(action, jsonBody, AwsCredentialsIdentity.create(accessKey, secretKey));
    }

    /** Signed with any credentials, temporary ones too (their session token goes in X-Amz-Security-Token). */
    Answer call(String action, String jsonBody, AwsCredentialsIdentity credentials) {
        byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
        URI endpoint = server.endpoint();
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint.resolve("/"))
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AWSOrganizationsV20161128." + action)
                .build();
        var signed = AwsV4HttpSigner.create()
                .sign(SignRequest.builder(credentials)
                        .request(request)
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "organizations")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .build());
        HttpRequest.Builder out =
                HttpRequest.newBuilder(endpoint.resolve("/")).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((name, values) -> {
            if (!List.of("host", "content-length").contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> out.header(name, v));
            }
        });
        try {
            HttpResponse<byte[]> r = http.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), JSON.readTree(r.body()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
