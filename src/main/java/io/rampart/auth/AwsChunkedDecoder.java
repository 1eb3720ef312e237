package io.rampart.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Removes aws-chunked framing ("hex-size[;chunk-signature=sig]\r\n data \r\n" ... final size 0, then an
 * optional trailer section) and, for signed streams, checks every chunk signature as the chunk ends and the
 * trailer signature before EOF is reported. Chunk data is streamed straight through, never buffered whole;
 * framing lines are capped so a hostile client cannot make us read an unbounded line.
 */
final class AwsChunkedDecoder extends InputStream {
    static final int MAX_LINE = 4096;
    private static final int MAX_TRAILERS = 16;
    private static final int BUFFER = 64 * 1024;
    private static final String SIGNATURE_EXTENSION = ";chunk-signature=";
    static final String TRAILER_SIGNATURE = "x-amz-trailer-signature";

    private enum State {
        HEADER,
        DATA,
        DONE
    }

    private final InputStream in;
    private final @Nullable ChunkSignatureChain chain;
    private final boolean trailerExpected;
    private final byte[] buf = new byte[BUFFER];
    private final byte[] line = new byte[MAX_LINE];
    private final byte[] single = new byte[1];
    private final Map<String, String> trailers = new LinkedHashMap<>();
    private int pos;
    private int limit;
    private State state = State.HEADER;
    private long remaining;
    private @Nullable String chunkSignature;

    /**
     * @param chain           the signature chain for signed streams, null when chunks are unsigned
     * @param trailerExpected whether a trailer section follows the final chunk
     */
    AwsChunkedDecoder(InputStream in, @Nullable ChunkSignatureChain chain, boolean trailerExpected) {
        this.in = Objects.requireNonNull(in);
        this.chain = chain;
        this.trailerExpected = trailerExpected;
    }

    /** Trailer headers (names lower-cased) without the trailer signature; complete once EOF was returned. */
    Map<String, String> trailers() {
        return Collections.unmodifiableMap(trailers);
    }

    @Override
    public int read() throws IOException {
        int n = read(single, 0, 1);
        return n < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (state == State.DONE) {
                return -1;
            }
            if (state == State.HEADER) {
                readChunkHeader();
            } else if (remaining == 0) {
                endChunk();
                state = State.HEADER;
            } else {
                return readData(b, off, (int) Math.min(len, remaining));
            }
        }
    }

    private int readData(byte[] b, int off, int want) throws IOException {
        int n;
        if (pos < limit) {
            n = Math.min(want, limit - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
        } else if (want >= BUFFER / 2) {
            // Large reads go straight into the caller's array: no copy through our buffer.
            n = in.read(b, off, want);
            if (n < 0) {
                throw truncated();
            }
        } else {
            if (!fill()) {
                throw truncated();
            }
            n = Math.min(want, limit - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
        }
        if (chain != null) {
            chain.update(b, off, n);
        }
        remaining -= n;
        return n;
    }

    private void readChunkHeader() throws IOException {
        int length = readLine();
        if (length < 0) {
            throw truncated();
        }
        long size = 0;
        int i = 0;
        while (i < length) {
            int digit = Character.digit(line[i], 16);
            if (digit < 0) {
                break;
            }
            if (i >= 15) {
                throw malformed("chunk size is too large");
            }
            size = (size << 4) | digit;
            i++;
        }
        if (i == 0) {
            throw malformed("chunk size is missing");
        }
        if (chain != null) {
            int extension = SIGNATURE_EXTENSION.length();
            if (length - i != extension + 64
                    || !SIGNATURE_EXTENSION.equals(new String(line, i, extension, StandardCharsets.ISO_8859_1))) {
                throw new BodyVerificationException(
                        AuthError.SIGNATURE_DOES_NOT_MATCH, "The chunk signature is missing or malformed.");
            }
            chunkSignature = new String(line, i + extension, 64, StandardCharsets.ISO_8859_1);
        } else if (i < length && line[i] != ';') {
            throw malformed("unexpected characters after the chunk size");
        }
        remaining = size;
        if (size > 0) {
            state = State.DATA;
            return;
        }
        verifyChunkSignature();
        readTrailerSection();
        state = State.DONE;
        // The chain is finished: its Mac goes back to the pool (a body that fails on the way simply drops it).
        if (chain != null) chain.release();
    }

    private void endChunk() throws IOException {
        int cr = readByte();
        int lf = cr < 0 ? -1 : readByte();
        if (cr < 0 || lf < 0) {
            throw truncated();
        }
        if (cr != '\r' || lf != '\n') {
            throw malformed("chunk data is not followed by CRLF (chunk longer than its declared size?)");
        }
        verifyChunkSignature();
    }

    private void verifyChunkSignature() throws BodyVerificationException {
        // A signed stream's chunk header always carries its signature (readChunkHeader refuses one without).
        if (chain != null && (chunkSignature == null || !chain.verifyChunk(chunkSignature))) {
            throw new BodyVerificationException(
                    AuthError.SIGNATURE_DOES_NOT_MATCH,
                    "The request signature we calculated does not match the signature you provided. "
                            + "Check your key and signing method.");
        }
    }

    /** Trailer lines up to the empty line; a missing final empty line at EOF is tolerated, as some clients omit it. */
    private void readTrailerSection() throws IOException {
        String signature = null;
        while (true) {
            int length = readLine();
            if (length <= 0) {
                break;
            }
            if (!trailerExpected) {
                throw malformed("unexpected data after the final chunk");
            }
            if (signature != null || trailers.size() >= MAX_TRAILERS) {
                throw malformedTrailer();
            }
            String text = new String(line, 0, length, StandardCharsets.ISO_8859_1);
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw malformedTrailer();
            }
            String name = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = text.substring(colon + 1).strip();
            if (name.equals(TRAILER_SIGNATURE)) {
                signature = value;
            } else if (trailers.putIfAbsent(name, value) != null) {
                throw malformedTrailer();
            }
        }
        if (chain != null && trailerExpected) {
            StringBuilder canonical = new StringBuilder();
            for (Map.Entry<String, String> trailer : trailers.entrySet()) {
                canonical
                        .append(trailer.getKey())
                        .append(':')
                        .append(trailer.getValue())
                        .append('\n');
            }
            if (signature == null || !chain.verifyTrailer(canonical.toString(), signature)) {
                throw new BodyVerificationException(
                        AuthError.SIGNATURE_DOES_NOT_MATCH,
                        "The trailer signature we calculated does not match the signature you provided. "
                                + "Check your key and signing method.");
            }
        }
    }

    /**
     * Reads one CRLF-terminated line into {@link #line}; returns its length without CRLF, or -1 at EOF before
     * any byte of the line.
     */
    private int readLine() throws IOException {
        int count = 0;
        while (true) {
            if (pos == limit && !fill()) {
                if (count == 0) {
                    return -1;
                }
                throw truncated();
            }
            byte c = buf[pos++];
            if (c == '\n') {
                if (count == 0 || line[count - 1] != '\r') {
                    throw malformed("line not terminated by CRLF");
                }
                return count - 1;
            }
            if (count == MAX_LINE) {
                throw malformed("line longer than " + MAX_LINE + " bytes");
            }
            line[count++] = c;
        }
    }

    private int readByte() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    private boolean fill() throws IOException {
        pos = 0;
        limit = 0;
        int n;
        do {
            n = in.read(buf, 0, BUFFER);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        limit = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static BodyVerificationException truncated() {
        return new BodyVerificationException(
                AuthError.INCOMPLETE_BODY,
                "You did not provide the number of bytes specified by the Content-Length HTTP header.");
    }

    private static BodyVerificationException malformed(String detail) {
        return new BodyVerificationException(AuthError.INVALID_REQUEST, "Malformed aws-chunked body: " + detail + ".");
    }

    private static BodyVerificationException malformedTrailer() {
        return new BodyVerificationException(
                AuthError.MALFORMED_TRAILER_ERROR,
                "The request contained trailing data that was not well-formed or did not conform to our "
                        + "published schema.");
    }
}
