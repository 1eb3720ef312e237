package io.rampart.http;

import io.rampart.s3.PostForm;
import io.rampart.s3.S3ErrorCode;
import io.rampart.s3.S3Exception;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;

/**
 * Reads a browser-based upload's multipart/form-data body as a stream, with Jetty's multipart parser: the fields
 * before the file are collected (bounded, as S3 bounds them), then the file part is handed on as an InputStream that
 * parses the request body as it is read, so the file is never held in memory nor spooled to disk in clear (Jetty's
 * MultiPartFormData would do one or the other). Fields after the file are ignored, as S3 ignores them.
 */
final class PostFormReader {
    /** S3 refuses more than this many bytes of fields before the file (MaxPostPreDataLengthExceededError). */
    static final int MAX_FIELDS_BYTES = 20 * 1024;

    private static final int MAX_FIELDS = 200;
    private static final int READ_SIZE = 64 * 1024;

    private final InputStream body;
    private final MultiPart.Parser parser;
    private final List<PostForm.Field> fields = new ArrayList<>();
    private final ByteArrayOutputStream field = new ByteArrayOutputStream();
    private final ByteArrayOutputStream fileBytes = new ByteArrayOutputStream();
    private int fieldBytes;
    private boolean inFile;
    private boolean fileSeen;
    private boolean fileEnded;
    private boolean complete;
    private boolean eof;
    private String fileName;
    private Throwable failure;

    private PostFormReader(InputStream body, String boundary) {
        this.body = body;
        this.parser = new MultiPart.Parser(boundary, new Listener());
        this.parser.setMaxParts(MAX_FIELDS + 1);
        this.parser.setPartHeadersMaxLength(8 * 1024);
    }

    /** True when the request is a multipart/form-data POST (a browser-based upload). */
    static boolean isForm(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /** The form: its fields before the file, and the file as a stream. S3's errors for a malformed or fileless form. */
    static Read read(InputStream body, String contentType) throws IOException {
        String boundary = MultiPart.extractBoundary(contentType);
        if (boundary == null || boundary.isEmpty()) throw malformed();
        PostFormReader r = new PostFormReader(body, boundary);
        while (!r.fileSeen && !r.complete) r.pump();
        if (!r.fileSeen) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "POST requires exactly one file upload per request.")
                    .with("ArgumentName", "file")
                    .with("ArgumentValue", "0");
        }
        return new Read(new PostForm(r.fields, r.fileName), r.new FileStream());
    }

    /** The form's fields and its file. */
    record Read(PostForm form, InputStream file) {}

    /** Feeds the parser one read of the body; throws on a malformed body. */
    private void pump() throws IOException {
        if (eof) {
            if (!complete) throw malformed();
            return;
        }
        byte[] buf = new byte[READ_SIZE];
        int n = body.read(buf);
        if (n < 0) {
            eof = true;
            parser.parse(Content.Chunk.from(ByteBuffer.allocate(0), true));
        } else {
            parser.parse(Content.Chunk.from(ByteBuffer.wrap(buf, 0, n), false));
        }
        if (failure != null) {
            if (failure instanceof S3Exception e) throw e;
            throw malformed();
        }
    }

    private static S3Exception malformed() {
        return new S3Exception(S3ErrorCode.MALFORMED_POST_REQUEST);
    }

    private final class Listener extends MultiPart.AbstractPartsListener {
        @Override
        public void onPartHeaders() {
            if (fileSeen || complete) return;
            String name = getName();
            if (name == null) {
                failure = malformed();
                return;
            }
            if (name.equalsIgnoreCase("file")) {
                inFile = true;
                fileSeen = true;
                fileName = getFileName() == null ? "" : getFileName();
            }
        }

        @Override
        public void onPartContent(Content.Chunk chunk) {
            ByteBuffer b = chunk.getByteBuffer().slice();
            int n = b.remaining();
            if (inFile) {
                byte[] copy = new byte[n];
                b.get(copy);
                fileBytes.write(copy, 0, n);
            } else if (!fileSeen) {
                fieldBytes += n;
                if (fieldBytes > MAX_FIELDS_BYTES) {
                    failure = new S3Exception(S3ErrorCode.MAX_POST_PRE_DATA_LENGTH_EXCEEDED);
                    return;
                }
                byte[] copy = new byte[n];
                b.get(copy);
                field.write(copy, 0, n);
            }
        }

        @Override
        public void onPart(String name, String partFileName, HttpFields headers) {
            if (inFile) {
                inFile = false;
                fileEnded = true;
                return;
            }
            if (fileSeen) return;
            if (fields.size() >= MAX_FIELDS) {
                failure = new S3Exception(S3ErrorCode.MAX_POST_PRE_DATA_LENGTH_EXCEEDED);
                return;
            }
            fieldBytes += name == null ? 0 : name.length();
            fields.add(new PostForm.Field(name, field.toString(StandardCharsets.UTF_8)));
            field.reset();
        }

        @Override
        public void onComplete() {
            complete = true;
        }

        @Override
        public void onFailure(Throwable t) {
            failure = t;
        }
    }

    /** The file part's bytes, parsed from the body as they are read; at most one read of the body is held. */
    private final class FileStream extends InputStream {
        private byte[] pending = new byte[0];
        private int pos;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (pos == pending.length) {
                if (fileBytes.size() > 0) {
                    pending = fileBytes.toByteArray();
                    fileBytes.reset();
                    pos = 0;
                    break;
                }
                if (fileEnded) return -1;
                if (complete || eof) throw malformed();
                pump();
            }
            int n = Math.min(len, pending.length - pos);
            System.arraycopy(pending, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
