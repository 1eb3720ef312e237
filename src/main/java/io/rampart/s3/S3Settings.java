package io.rampart.s3;

import java.time.Duration;

/**
 * Operator choices for the S3 service. {@code allowSseCOverHttp}: accept customer keys over plain HTTP (local testing
 * only). {@code blockSseCOnNewBuckets}: new buckets refuse SSE-C writes until their owner allows them, as on AWS.
 * {@code idleTimeout}: how long a connection may send or take nothing (a stalled request body is then answered 400
 * {@code RequestTimeout}, as S3 does after about 20 seconds). {@code sigV2}: accept Signature Version 2 (header and
 * query string) besides SigV4.
 */
public record S3Settings(
        boolean allowSseCOverHttp, boolean blockSseCOnNewBuckets, Duration idleTimeout, boolean sigV2) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(20);

    public S3Settings {
        if (idleTimeout == null) idleTimeout = DEFAULT_IDLE_TIMEOUT;
        if (idleTimeout.isNegative() || idleTimeout.isZero())
            throw new IllegalArgumentException("the idle timeout must be positive");
    }

    public S3Settings(boolean allowSseCOverHttp, boolean blockSseCOnNewBuckets) {
        this(allowSseCOverHttp, blockSseCOnNewBuckets, DEFAULT_IDLE_TIMEOUT);
    }

    /** Signature Version 2 accepted (the default). */
    public S3Settings(boolean allowSseCOverHttp, boolean blockSseCOnNewBuckets, Duration idleTimeout) {
        this(allowSseCOverHttp, blockSseCOnNewBuckets, idleTimeout, true);
    }

    /** {@code false} refuses Signature Version 2 everywhere ({@code --no-sigv2}), as AWS regions without it do. */
    public S3Settings withSigV2(boolean accepted) {
        return new S3Settings(allowSseCOverHttp, blockSseCOnNewBuckets, idleTimeout, accepted);
    }

    public static S3Settings defaults() {
        return new S3Settings(false, true);
    }

    public S3Settings withIdleTimeout(Duration d) {
        return new S3Settings(allowSseCOverHttp, blockSseCOnNewBuckets, d, sigV2);
    }
}
