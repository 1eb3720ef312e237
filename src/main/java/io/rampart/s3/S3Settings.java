package io.rampart.s3;

/**
 * Operator choices for the S3 service. {@code allowSseCOverHttp}: accept customer keys over plain HTTP (local testing
 * only). {@code blockSseCOnNewBuckets}: new buckets refuse SSE-C writes until their owner allows them, as on AWS.
 */
public record S3Settings(boolean allowSseCOverHttp, boolean blockSseCOnNewBuckets) {
    public static S3Settings defaults() {
        return new S3Settings(false, true);
    }
}
