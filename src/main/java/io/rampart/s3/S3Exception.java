package io.rampart.s3;

import java.util.LinkedHashMap;
import java.util.Map;

/** A domain failure answered as S3 error XML. Extra elements (e.g. BucketName, Key) are added to the error document. */
public final class S3Exception extends RuntimeException {
    private final S3ErrorCode code;
    private final Map<String, String> extra = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();

    public S3Exception(S3ErrorCode code) {
        this(code, code.defaultMessage());
    }

    public S3Exception(S3ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public S3ErrorCode code() {
        return code;
    }

    public Map<String, String> extra() {
        return extra;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public S3Exception with(String element, String value) {
        if (value != null) extra.put(element, value);
        return this;
    }

    public S3Exception header(String name, String value) {
        if (value != null) headers.put(name, value);
        return this;
    }
}
