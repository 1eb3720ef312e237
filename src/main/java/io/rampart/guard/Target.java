package io.rampart.guard;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * What guard talks to and as whom: AWS itself when no endpoint is given (each service at its own endpoint, buckets in
 * any region), else one S3-compatible endpoint path-style (Rampart serves IAM, STS and Organizations at the same
 * address). Credentials and region come from the SDK's standard chain (environment, system properties, profile, web
 * identity, container and instance metadata) unless given.
 */
public final class Target implements AutoCloseable {
    final Optional<URI> endpoint;
    final Region region;
    final AwsCredentialsProvider credentials;
    final SdkHttpClient http;
    final S3Client s3;
    final IamClient iam;
    final StsClient sts;
    final CloudTrailClient cloudTrail;

    private Target(Optional<URI> endpoint, Region region, AwsCredentialsProvider credentials, boolean trustAll) {
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
        Apache5HttpClient.Builder hb =
                Apache5HttpClient.builder().maxConnections(64).connectionTimeout(Duration.ofSeconds(10));
        this.http = trustAll
                ? hb.buildWithDefaults(AttributeMap.builder()
                        .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
                        .build())
                : hb.build();
        var s3b = S3Client.builder()
                .httpClient(http)
                .credentialsProvider(credentials)
                .region(region);
        var iamb = IamClient.builder()
                .httpClient(http)
                .credentialsProvider(credentials)
                .region(Region.AWS_GLOBAL);
        var stsb = StsClient.builder()
                .httpClient(http)
                .credentialsProvider(credentials)
                .region(region);
        var ctb = CloudTrailClient.builder()
                .httpClient(http)
                .credentialsProvider(credentials)
                .region(region);
        if (endpoint.isPresent()) {
            URI e = endpoint.get();
            s3b.endpointOverride(e).forcePathStyle(true);
            iamb.endpointOverride(e);
            stsb.endpointOverride(e);
            ctb.endpointOverride(e);
        } else {
            s3b.crossRegionAccessEnabled(true);
        }
        this.s3 = s3b.build();
        this.iam = iamb.build();
        this.sts = stsb.build();
        this.cloudTrail = ctb.build();
    }

    /**
     * @param endpoint    an S3-compatible endpoint, or empty for AWS
     * @param profile     a named profile for credentials and region, or empty for the default chain
     * @param region      the region, or empty for the chain's (us-east-1 when it has none and an endpoint is given)
     * @param credentials explicit credentials, or empty for the chain's
     * @param trustAll    trust any TLS certificate (a self-signed one on a loopback endpoint)
     */
    public static Target of(
            Optional<URI> endpoint,
            Optional<String> profile,
            Optional<String> region,
            Optional<AwsCredentialsProvider> credentials,
            boolean trustAll) {
        AwsCredentialsProvider creds = credentials.orElseGet(() -> {
            var b = DefaultCredentialsProvider.builder();
            profile.ifPresent(b::profileName);
            return b.build();
        });
        Region r = region.map(Region::of).orElseGet(() -> {
            try {
                var b = DefaultAwsRegionProviderChain.builder();
                profile.ifPresent(b::profileName);
                return b.build().getRegion();
            } catch (RuntimeException e) {
                if (endpoint.isPresent()) return Region.US_EAST_1;
                throw new IllegalArgumentException(
                        "no region: pass --region or set AWS_REGION (or a region in the profile)");
            }
        });
        try {
            creds.resolveCredentials();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or --profile"
                            + (e.getMessage() == null
                                    ? ""
                                    : " (" + e.getMessage().lines().findFirst().orElse("") + ")"));
        }
        return new Target(endpoint, r, creds, trustAll);
    }

    /** True when talking to AWS itself (no --endpoint). */
    public boolean isAws() {
        return endpoint.isEmpty();
    }

    /** How a report names where it looked. */
    public String describe() {
        return endpoint.map(URI::toString).orElse("AWS (" + region.id() + ")");
    }

    @Override
    public void close() {
        s3.close();
        iam.close();
        sts.close();
        cloudTrail.close();
        http.close();
    }
}
