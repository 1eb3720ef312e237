package io.rampart.storage;

/**
 * A write that adds to a bucket found the bucket gone inside its transaction (a DeleteBucket committed after the
 * request looked the bucket up): nothing was written; answered as S3's NoSuchBucket.
 */
public final class NoSuchBucketException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final String bucket;

    public NoSuchBucketException(String bucket) {
        super("bucket " + bucket + " no longer exists", null);
        this.bucket = bucket;
    }

    /** The bucket that is gone. */
    public String bucket() {
        return bucket;
    }

    /** This exception when it is {@code e} or one of its causes. */
    public static java.util.Optional<NoSuchBucketException> in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoSuchBucketException n) return java.util.Optional.of(n);
            if (t.getCause() == t) break;
        }
        return java.util.Optional.empty();
    }
}
