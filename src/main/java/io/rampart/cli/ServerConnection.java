package io.rampart.cli;

import java.net.URI;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;

/**
 * The convention every command that talks to a running server shares (DESIGN, "Command line"): {@code --endpoint},
 * and credentials the way the AWS CLI finds them. A picocli mixin.
 */
final class ServerConnection {
    @Option(
            names = "--endpoint",
            defaultValue = "http://127.0.0.1:9000",
            description = "Server URL (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = "--access-key", description = "Access key id (default: from the environment or profile).")
    String accessKey;

    @Option(names = "--secret-key", description = "Secret access key (default: from the environment or profile).")
    String secretKey;

    @Option(names = "--region", defaultValue = "us-east-1", description = "Signing region (default: ${DEFAULT-VALUE}).")
    String region;

    /** The endpoint without a trailing slash; IllegalArgumentException with a one-line reason when it is not http(s). */
    URI endpointUri() {
        return endpointUri(endpoint);
    }

    /** A comma-separated list of endpoints (the nodes of a cluster), each as {@link #endpointUri}. */
    java.util.List<URI> endpointUris() {
        java.util.List<URI> out = new java.util.ArrayList<>();
        for (String e : endpoint.split(",", -1)) out.add(endpointUri(e.trim()));
        return out;
    }

    /** One endpoint URL checked as {@link #endpointUri()} checks {@code --endpoint}. */
    URI endpointUri(String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid --endpoint '" + endpoint + "'");
        }
        if (uri.getScheme() == null
                || uri.getHost() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException(
                    "invalid --endpoint '" + endpoint + "' (expected http://host:port or https://host:port)");
        }
        return uri;
    }

    /**
     * --access-key/--secret-key, else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN (or system
     * properties), else AWS_PROFILE or the default profile. Resolved once here so a missing key fails with one line.
     */
    AwsCredentialsProvider credentials() {
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("--access-key and --secret-key go together");
        }
        AwsCredentialsProvider provider = accessKey != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey))
                : AwsCredentialsProviderChain.of(
                        SystemPropertyCredentialsProvider.create(),
                        EnvironmentVariableCredentialsProvider.create(),
                        ProfileCredentialsProvider.create());
        try {
            provider.resolveCredentials();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "no credentials: pass --access-key and --secret-key, or set AWS_ACCESS_KEY_ID and "
                            + "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)");
        }
        return provider;
    }
}
