package io.rampart.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.crypto.Mac;

/**
 * The rolling signatures of an aws-chunked body: each chunk is signed over the previous signature (the first
 * over the request's seed signature) and the SHA-256 of its data; the trailer over the last chunk's signature.
 * One Mac and one digest serve the whole body.
 */
final class ChunkSignatureChain {
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final Mac mac;
    private final MessageDigest chunkDigest = CanonicalRequest.newSha256();
    private final String chunkPrefix;
    private final String trailerPrefix;
    private String previous;

    ChunkSignatureChain(byte[] signingKey, String amzDate, String scope, String seedSignature) {
        this.mac = SigningKeyCache.newMac(signingKey);
        this.chunkPrefix = "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + '\n' + scope + '\n';
        this.trailerPrefix = "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + '\n' + scope + '\n';
        this.previous = seedSignature;
    }

    /** Feeds data of the current chunk. */
    void update(byte[] bytes, int offset, int length) {
        chunkDigest.update(bytes, offset, length);
    }

    /** Checks the signature of the chunk whose data was fed since the last call, and moves the chain on. */
    boolean verifyChunk(String provided) {
        String stringToSign = chunkPrefix
                + previous
                + '\n'
                + EMPTY_SHA256
                + '\n'
                + CanonicalRequest.HEX.formatHex(chunkDigest.digest());
        return advance(stringToSign, provided);
    }

    /** Checks the trailer signature over the canonical trailer lines ("name:value\n" each). */
    boolean verifyTrailer(String canonicalTrailer, String provided) {
        String stringToSign = trailerPrefix
                + previous
                + '\n'
                + CanonicalRequest.HEX.formatHex(CanonicalRequest.sha256(canonicalTrailer));
        return advance(stringToSign, provided);
    }

    /** Returns the Mac to the pool once the last signature was checked: the chain is not used after this. */
    void release() {
        SigningKeyCache.release(mac);
    }

    private boolean advance(String stringToSign, String provided) {
        String computed = CanonicalRequest.HEX.formatHex(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        previous = computed;
        return MessageDigest.isEqual(
                computed.getBytes(StandardCharsets.US_ASCII), provided.getBytes(StandardCharsets.US_ASCII));
    }
}
