package io.rampart.s3;

import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** What an operation answers: status, headers and a body that is either bytes or streamed by a writer. */
public final class S3Response {

    /** Streams a body of known length. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private int status = 200;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;
    private BodyWriter writer;
    private long length = -1;
    /** Facts for the audit record's additionalEventData (see {@link WriteFacts}); never sent to the client. */
    private final Map<String, Object> trail = new LinkedHashMap<>();

    public static S3Response ok() {
        return new S3Response();
    }

    public static S3Response noContent() {
        return new S3Response().status(204);
    }

    public static S3Response xml(XmlWriter xml) {
        return new S3Response().bytes(xml.toBytes(), "application/xml");
    }

    public S3Response status(int s) {
        this.status = s;
        return this;
    }

    public S3Response header(String name, String value) {
        if (value != null) headers.put(name, value);
        return this;
    }

    public S3Response bytes(byte[] b, String contentType) {
        this.body = b;
        this.length = b.length;
        header("Content-Type", contentType);
        return this;
    }

    /** A body already in memory, whose headers (Content-Type included) the caller sets. */
    public S3Response bytes(byte[] b) {
        this.body = b;
        this.length = b.length;
        return this;
    }

    public S3Response stream(long contentLength, BodyWriter w) {
        this.writer = w;
        this.length = contentLength;
        return this;
    }

    /** Adds an entry to the request's audit record (additionalEventData). */
    public S3Response trail(String name, Object value) {
        trail.put(name, value);
        return this;
    }

    public Map<String, Object> trail() {
        return trail;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }

    public BodyWriter writer() {
        return writer;
    }

    public long length() {
        return length;
    }
}
