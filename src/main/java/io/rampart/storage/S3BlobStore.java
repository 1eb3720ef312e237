package io.rampart.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs as objects {@code <prefix>/<ab>/<id>} in a bucket on any S3 endpoint (AWS, Ceph RGW, MinIO, another Rampart).
 * A blob is written as one PutObject when it fits in one part, else as a multipart upload of {@link #PART_SIZE} parts
 * from one buffer (at most {@link #PART_BUFFERS} such buffers at once in all); {@link PendingBlob#commit()} completes
 * it, so an object appears only whole. Transient
 * failures are retried by the SDK's standard strategy with bounded exponential back-off; what still fails is a
 * {@link BlobStoreUnavailableException}. Only ciphertext ever reaches this class.
 */
public final class S3BlobStore implements BlobStore {
    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);

    /** Size of each multipart part, and the most a blob being written holds in memory. */
    public static final int PART_SIZE = 8 << 20;

    private static final int FIRST_BUFFER = 256 * 1024;
    private static final int MAX_ATTEMPTS = 4;
    /** Part buffers in use at once, in all: a quarter of the heap at most, and never fewer than two. */
    static final int PART_BUFFERS = (int) Math.max(2, Runtime.getRuntime().maxMemory() / 4 / PART_SIZE);

    private final S3Client s3;
    private final BlobLocation.S3 location;
    /** "" or the prefix followed by "/". */
    private final String keyPrefix;

    private final Clock clock;
    /**
     * A blob past {@link #FIRST_BUFFER} takes one whole part buffer from here (waiting when all are taken) and keeps it
     * until it is committed or discarded: a writer never holds a part of one and waits for another, so no deadlock.
     */
    private final Semaphore partBuffers = new Semaphore(PART_BUFFERS, true);

    private S3BlobStore(S3Client s3, BlobLocation.S3 location, Clock clock) {
        this.s3 = s3;
        this.location = location;
        this.keyPrefix = location.prefix().isEmpty() ? "" : location.prefix() + "/";
        this.clock = clock;
    }

    /** Connects to the bucket and checks that it is there and these credentials reach it. */
    @SuppressWarnings(
            "deprecation") // Apache5HttpClient, the client the project already depends on (not apache5-client)
    static S3BlobStore open(BlobLocation.S3 location) throws IOException {
        AwsCredentialsProvider credentials = location.accessKeyId() != null
                ? StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(location.accessKeyId(), location.secretAccessKey()))
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(location.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(256)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                // 5xx, SlowDown/throttling, connection resets and timeouts: retried with bounded exponential back-off.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(MAX_ATTEMPTS)
                        .backoffStrategy(
                                BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(2)))
                        .throttlingBackoffStrategy(
                                BackoffStrategy.exponentialDelay(Duration.ofMillis(500), Duration.ofSeconds(5)))
                        .build()))
                // Ceph RGW and older MinIO refuse the SDK's default trailing checksums; the AES-GCM chunks already
                // authenticate every byte read back.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (location.endpoint() != null) b.endpointOverride(location.endpoint()).forcePathStyle(true);
        S3Client client = b.build();
        try {
            client.headBucket(r -> r.bucket(location.bucket()));
        } catch (SdkException e) {
            client.close();
            throw new IOException("the blob bucket " + location + " cannot be used: " + describe(e), e);
        }
        return new S3BlobStore(client, location, Clock.systemUTC());
    }

    private String key(String id) {
        if (id.length() < 8 || !id.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            throw new IllegalArgumentException("bad blob id");
        }
        return keyPrefix + id.substring(0, 2) + "/" + id;
    }

    /** The blob id of a key this store wrote, or null for anything else under the prefix (never touched). */
    private String idOf(String key) {
        if (!key.startsWith(keyPrefix)) return null;
        String rest = key.substring(keyPrefix.length());
        if (rest.length() < 11 || rest.charAt(2) != '/') return null;
        String id = rest.substring(3);
        if (!id.matches("[0-9a-f]{8,64}") || !id.startsWith(rest.substring(0, 2))) return null;
        return id;
    }

    @Override
    public PendingBlob create() {
        return new S3Pending(LocalBlobStore.newId());
    }

    /**
     * A blob being written: bytes gather in a buffer that grows to at most one part; a full part is uploaded (starting
     * the multipart upload on the first); commit sends the rest and completes, or sends a small blob as one PutObject.
     */
    private final class S3Pending implements PendingBlob {
        private final String id;
        private final String key;
        private byte[] buf = new byte[FIRST_BUFFER];
        private int len;
        private String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();
        private boolean committed;
        private boolean failed;
        private boolean holdsPartBuffer;
        private final OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int n) throws IOException {
                if (committed || buf == null) throw new IOException("blob closed");
                if (failed) throw new IOException("blob write failed earlier");
                while (n > 0) {
                    if (len == PART_SIZE) uploadPart();
                    int take = Math.min(n, PART_SIZE - len);
                    if (len + take > buf.length) growToPart();
                    System.arraycopy(b, off, buf, len, take);
                    len += take;
                    off += take;
                    n -= take;
                }
            }
        };

        S3Pending(String id) {
            this.id = id;
            this.key = key(id);
        }

        @Override
        public OutputStream out() {
            return out;
        }

        private void growToPart() throws IOException {
            try {
                partBuffers.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted waiting for a part buffer");
            }
            holdsPartBuffer = true;
            buf = Arrays.copyOf(buf, PART_SIZE);
        }

        private void release() {
            buf = null;
            if (holdsPartBuffer) {
                holdsPartBuffer = false;
                partBuffers.release();
            }
        }

        private RequestBody body() {
            byte[] bytes = buf;
            int n = len;
            // A provider, not a copy: the SDK re-reads it when it retries.
            return RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(bytes, 0, n), n, "application/octet-stream");
        }

        private void uploadPart() throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = s3.createMultipartUpload(
                                    r -> r.bucket(location.bucket()).key(key))
                            .uploadId();
                }
                int number = parts.size() + 1;
                String etag = s3.uploadPart(
                                r -> r.bucket(location.bucket())
                                        .key(key)
                                        .uploadId(uploadId)
                                        .partNumber(number)
                                        .contentLength((long) len),
                                body())
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                len = 0;
            } catch (SdkException e) {
                failed = true;
                throw failure("writing blob " + id, e);
            }
        }

        @Override
        public String commit() throws IOException {
            if (failed || buf == null) throw new IOException("blob write failed earlier");
            try {
                if (uploadId == null) {
                    s3.putObject(r -> r.bucket(location.bucket()).key(key).contentLength((long) len), body());
                } else {
                    if (len > 0) uploadPart();
                    s3.completeMultipartUpload(r -> r.bucket(location.bucket())
                            .key(key)
                            .uploadId(uploadId)
                            .multipartUpload(m -> m.parts(parts)));
                }
            } catch (SdkException e) {
                failed = true;
                throw failure("committing blob " + id, e);
            }
            committed = true;
            release();
            return id;
        }

        @Override
        public void close() {
            release();
            if (committed || uploadId == null) return;
            try {
                s3.abortMultipartUpload(
                        r -> r.bucket(location.bucket()).key(key).uploadId(uploadId));
            } catch (SdkException e) {
                log.warn(
                        "could not abort the upload of discarded blob {} ({}); a later start-up sweep aborts it",
                        id,
                        describe(e));
            }
        }
    }

    @Override
    public InputStream open(String blobId, long offset, long length) throws IOException {
        String key = key(blobId);
        try {
            if (length <= 0) {
                s3.headObject(r -> r.bucket(location.bucket()).key(key));
                return InputStream.nullInputStream();
            }
            String range = "bytes=" + offset + "-" + (offset + length - 1);
            return new Ranged(
                    s3.getObject(r -> r.bucket(location.bucket()).key(key).range(range)), length);
        } catch (NoSuchKeyException e) {
            throw (IOException) new NoSuchFileException(key).initCause(e);
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) throw (IOException) new NoSuchFileException(key).initCause(e);
            throw failure("reading blob " + blobId, e);
        } catch (SdkException e) {
            throw failure("reading blob " + blobId, e);
        }
    }

    /** A ranged GET's body; closed before its end (a client gone mid-download), the connection is dropped, not drained. */
    private static final class Ranged extends java.io.FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private long remaining;

        Ranged(ResponseInputStream<GetObjectResponse> response, long length) {
            super(response);
            this.response = response;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long k = super.skip(n);
            remaining -= k;
            return k;
        }

        @Override
        public void close() throws IOException {
            if (remaining > 0) response.abort();
            super.close();
        }
    }

    @Override
    public void delete(String blobId) {
        try {
            s3.deleteObject(r -> r.bucket(location.bucket()).key(key(blobId)));
        } catch (SdkException e) {
            log.warn("could not delete blob {}: {} (a start-up sweep will retry)", blobId, describe(e));
        }
    }

    /**
     * Deletes blobs older than the sweep grace (by the backend's last-modified time) that {@code isLive} rejects, and
     * aborts multipart uploads begun before it: younger ones may be another node's writes in flight.
     */
    @Override
    public int sweep(Predicate<String> isLive) throws IOException {
        Instant before = clock.instant().minus(location.sweepGrace());
        int removed = 0;
        try {
            ListObjectsV2Request list = ListObjectsV2Request.builder()
                    .bucket(location.bucket())
                    .prefix(keyPrefix)
                    .build();
            for (S3Object o : s3.listObjectsV2Paginator(list).contents()) {
                String id = idOf(o.key());
                if (id == null || !o.lastModified().isBefore(before) || isLive.test(id)) continue;
                s3.deleteObject(r -> r.bucket(location.bucket()).key(o.key()));
                removed++;
            }
            for (MultipartUpload u : s3.listMultipartUploadsPaginator(
                            r -> r.bucket(location.bucket()).prefix(keyPrefix))
                    .uploads()) {
                if (idOf(u.key()) == null
                        || u.initiated() == null
                        || !u.initiated().isBefore(before)) continue;
                try {
                    s3.abortMultipartUpload(
                            r -> r.bucket(location.bucket()).key(u.key()).uploadId(u.uploadId()));
                    removed++;
                } catch (NoSuchUploadException e) {
                    // completed or aborted meanwhile
                }
            }
        } catch (SdkException e) {
            throw failure("sweeping " + location, e);
        }
        return removed;
    }

    @Override
    public void close() {
        s3.close();
    }

    /** A refusal (4xx other than throttling) is a configuration problem; anything else is an outage. */
    private IOException failure(String what, SdkException e) {
        if (e instanceof AwsServiceException a
                && a.statusCode() >= 400
                && a.statusCode() < 500
                && !a.isThrottlingException()
                && a.statusCode() != 408) {
            return new IOException("the blob backend " + location + " refused " + what + ": " + describe(e), e);
        }
        return new BlobStoreUnavailableException(
                "the blob backend " + location + " failed " + what + " after " + MAX_ATTEMPTS + " attempts: "
                        + describe(e),
                e);
    }

    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException a && a.awsErrorDetails() != null) {
            return a.statusCode() + " " + a.awsErrorDetails().errorCode();
        }
        return e.getMessage();
    }
}
