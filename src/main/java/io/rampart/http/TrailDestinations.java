package io.rampart.http;

import io.rampart.audit.TrailDelivery;
import io.rampart.s3.S3Service;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Where trail copies go: a bucket on this server, or one on another S3 endpoint (AWS included). */
final class TrailDestinations {
    private TrailDestinations() {}

    /** A destination that may hold a client to close. */
    interface Closeable extends TrailDelivery.Destination, AutoCloseable {
        @Override
        void close();
    }

    /** A bucket on this server, written by the server as cloudtrail.amazonaws.com (not through the endpoint). */
    static Closeable local(S3Service s3, String bucket) {
        return new Closeable() {
            @Override
            public void put(String key, byte[] body) throws Exception {
                s3.putAsService("cloudtrail.amazonaws.com", bucket, key, body, contentType(key));
            }

            @Override
            public void close() {}
        };
    }

    /**
     * A bucket on the S3 endpoint a properties file names: {@code endpoint} (omit for AWS), {@code region},
     * {@code access_key_id}, {@code secret_access_key} and optionally {@code session_token}. The secrets stay in memory.
     */
    static Closeable remote(Path configFile, String bucket) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(configFile)) {
            p.load(r);
        }
        String keyId = required(p, "access_key_id", configFile);
        String secret = required(p, "secret_access_key", configFile);
        String token = p.getProperty("session_token", "").trim();
        AwsCredentials credentials = token.isEmpty()
                ? AwsBasicCredentials.create(keyId, secret)
                : AwsSessionCredentials.create(keyId, secret, token);
        var builder = S3Client.builder()
                .region(Region.of(p.getProperty("region", "us-east-1").trim()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials));
        String endpoint = p.getProperty("endpoint", "").trim();
        if (!endpoint.isEmpty()) builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
        S3Client client = builder.build();
        return new Closeable() {
            @Override
            public void put(String key, byte[] body) {
                client.putObject(
                        b -> b.bucket(bucket).key(key).contentType(contentType(key)), RequestBody.fromBytes(body));
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    private static String required(Properties p, String name, Path file) throws IOException {
        String v = p.getProperty(name, "").trim();
        if (v.isEmpty()) throw new IOException("the trail delivery file " + file + " lacks " + name);
        return v;
    }

    private static String contentType(String key) {
        return key.endsWith(".gz") ? "application/x-gzip" : "application/json";
    }
}
