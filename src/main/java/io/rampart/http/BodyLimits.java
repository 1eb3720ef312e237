package io.rampart.http;

import io.rampart.s3.Operation;
import io.rampart.s3.S3ErrorCode;
import io.rampart.s3.S3Exception;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * How much of a request body each API takes, checked before the body is read: a declared Content-Length over the
 * limit is refused at once, and a body without one stops being read at the limit. Object data (PutObject, UploadPart)
 * is streamed and bounded by the object size limits of its operation (5 GiB).
 */
final class BodyLimits {
    /** Configuration documents (versioning, encryption, lifecycle, tagging, notification...): generous for all of them. */
    static final long MAX_XML = 1 << 20;
    /** DeleteObjects (1,000 keys of up to 1,024 bytes, escaped) and CompleteMultipartUpload (10,000 parts with checksums). */
    static final long MAX_LARGE_XML = 4 << 20;
    /** IAM, STS and Organizations form or JSON bodies: a few policies (at most 10,240 characters each) or a SAML assertion. */
    static final int MAX_FORM = 1 << 20;

    private BodyLimits() {}

    /** The most body bytes {@code op} takes, or -1 when its body is object data, streamed. */
    static long of(Operation op) {
        return switch (op) {
            case PUT_OBJECT, UPLOAD_PART, POST_OBJECT -> -1;
            case DELETE_OBJECTS, COMPLETE_MULTIPART_UPLOAD -> MAX_LARGE_XML;
            default -> MAX_XML;
        };
    }

    /**
     * The body of an S3 request bounded for {@code op}: refused at once (400 MaxMessageLengthExceeded, as S3 answers an
     * over-long request) when its declared length is over the limit, else cut off with that error at the limit.
     */
    static InputStream s3(Operation op, InputStream body, long declaredLength) {
        long max = of(op);
        if (max < 0) return body;
        if (declaredLength > max) throw tooBig();
        return new Bounded(body, max);
    }

    private static S3Exception tooBig() {
        return new S3Exception(S3ErrorCode.MAX_MESSAGE_LENGTH_EXCEEDED);
    }

    /** A refused IAM/STS/Organizations body: status, error code and message in the service's own format. */
    static final class Refused extends Exception {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /** Reads an IAM/STS/Organizations body of at most {@link #MAX_FORM} bytes. */
    static byte[] readForm(InputStream body, Map<String, List<String>> headers) throws Refused {
        List<String> cl = headers.get("content-length");
        long declared = -1;
        try {
            if (cl != null && !cl.isEmpty()) declared = Long.parseLong(cl.get(0).strip());
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (declared > MAX_FORM) throw formTooBig();
        byte[] bytes;
        try {
            bytes = body.readNBytes(MAX_FORM + 1);
        } catch (IOException e) {
            if (isTimeout(e)) {
                throw new Refused(
                        400, S3ErrorCode.REQUEST_TIMEOUT.code(), S3ErrorCode.REQUEST_TIMEOUT.defaultMessage());
            }
            throw new Refused(400, S3ErrorCode.INCOMPLETE_BODY.code(), S3ErrorCode.INCOMPLETE_BODY.defaultMessage());
        }
        if (bytes.length > MAX_FORM) throw formTooBig();
        return bytes;
    }

    private static Refused formTooBig() {
        return new Refused(413, "RequestEntityTooLarge", "Request body must be no larger than " + MAX_FORM + " bytes.");
    }

    /** Whether {@code e} (or a cause) is the connection's idle timeout firing while the body was awaited. */
    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // Jetty fails a pending read with a TimeoutException when the connection's idle timeout passes.
            if (t instanceof TimeoutException) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    /** Refuses to deliver more than {@code max} bytes: the request is answered without reading the rest. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long max) {
            super(in);
            this.left = max;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return over();
            int b = super.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (left <= 0) return over();
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }

        /** At the limit: the body is over it only when another byte follows. */
        private int over() throws IOException {
            if (super.read() < 0) return -1;
            throw tooBig();
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) break;
                done += r;
            }
            return done;
        }
    }
}
