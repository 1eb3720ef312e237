package io.rampart.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Blocker;

/**
 * A blocking output stream over a response whose length is known: the write that completes the announced length is
 * sent as the last one, so a response goes out in as many Jetty writes as the body has pieces, not one more (an empty
 * final write after the body, as {@code Content.Sink.asOutputStream} sends on close). Bodies are written without
 * copying: each write blocks until Jetty is done with the caller's bytes.
 */
final class ResponseBodyStream extends OutputStream {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Content.Sink sink;
    private final long length;
    private long written;
    private boolean lastSent;

    /** {@code length} is the Content-Length announced, or -1 when unknown. */
    ResponseBodyStream(Content.Sink sink, long length) {
        this.sink = sink;
        this.length = length;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (lastSent) throw new IOException("response body already complete");
        if (len == 0) return;
        written += len;
        send(length >= 0 && written >= length, ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void close() throws IOException {
        if (!lastSent) send(true, EMPTY);
    }

    private void send(boolean last, ByteBuffer buffer) throws IOException {
        try (Blocker.Callback callback = Blocker.callback()) {
            sink.write(last, buffer, callback);
            callback.block();
        }
        if (last) lastSent = true;
    }
}
