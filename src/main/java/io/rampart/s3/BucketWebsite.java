package io.rampart.s3;

import io.rampart.iam.Principal;
import io.rampart.storage.Bucket;
import io.rampart.storage.MetadataStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PutBucketWebsite, GetBucketWebsite, DeleteBucketWebsite, and requests on the website endpoint
 * ({@code <bucket>.s3-website.<domain>}): anonymous GET and HEAD, governed by the bucket policy like any anonymous
 * GetObject, with index and error documents, redirects, and errors as HTML pages as AWS's website endpoint answers.
 */
final class BucketWebsite {
    private BucketWebsite() {}

    static S3Response get(Context ctx, AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        WebsiteConfiguration w = BucketSettings.of(b).website();
        if (w == null) throw new S3Exception(S3ErrorCode.NO_SUCH_WEBSITE_CONFIGURATION).with("BucketName", b.name());
        return S3Response.xml(w.toXml());
    }

    static S3Response put(Context ctx, AuthorizedCall call) throws IOException {
        Bucket b = ctx.ownedBucket(call);
        WebsiteConfiguration w = WebsiteConfiguration.parse(call.body().readAllBytes());
        BucketSettings.update(ctx, b, s -> s.withWebsite(w));
        return S3Response.ok();
    }

    static S3Response delete(Context ctx, AuthorizedCall call) {
        Bucket b = ctx.ownedBucket(call);
        BucketSettings.update(ctx, b, s -> s.withWebsite(null));
        return S3Response.noContent();
    }

    /** Runs an object read as the S3 endpoint would (authorisation included). */
    @FunctionalInterface
    interface Reader {
        S3Response read(Operation op, S3Call call) throws IOException;
    }

    /** One website endpoint request; never throws an S3Exception: errors are HTML pages. */
    static S3Response serve(MetadataStore meta, Reader reader, S3Call call, String host) throws IOException {
        boolean head = "HEAD".equals(call.method());
        if (!head && !"GET".equals(call.method())) {
            return html(
                    new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED)
                            .with("Method", call.method())
                            .with("ResourceType", "OBJECT"),
                    call,
                    null);
        }
        Optional<Bucket> b = meta.bucket(call.bucket());
        if (b.isEmpty()) {
            return html(new S3Exception(S3ErrorCode.NO_SUCH_BUCKET).with("BucketName", call.bucket()), call, null);
        }
        WebsiteConfiguration w = BucketSettings.of(b.get()).website();
        if (w == null) {
            return html(
                    new S3Exception(S3ErrorCode.NO_SUCH_WEBSITE_CONFIGURATION).with("BucketName", call.bucket()),
                    call,
                    null);
        }
        String key = call.key() == null ? "" : call.key();
        String scheme = call.secure() ? "https" : "http";
        if (w.redirectAll() != null) {
            String protocol =
                    w.redirectAll().protocol() != null ? w.redirectAll().protocol() : scheme;
            return redirect(301, protocol + "://" + w.redirectAll().hostName() + "/" + key);
        }
        Optional<WebsiteConfiguration.RoutingRule> before = w.rule(key, null);
        if (before.isPresent()) return redirect(before.get(), key, scheme, host);
        Operation op = head ? Operation.HEAD_OBJECT : Operation.GET_OBJECT;
        String objectKey = key.isEmpty() || key.endsWith("/") ? key + w.indexSuffix() : key;
        try {
            return reader.read(op, new WebsiteCall(call, objectKey, op));
        } catch (S3Exception e) {
            int status = e.code().status();
            if (e.code() == S3ErrorCode.NO_SUCH_KEY
                    && !key.isEmpty()
                    && !key.endsWith("/")
                    && exists(reader, call, key + "/" + w.indexSuffix())) {
                // A "folder" without its slash: AWS redirects to it, where the index document is served.
                return redirect(302, "/" + key + "/");
            }
            Optional<WebsiteConfiguration.RoutingRule> after = w.rule(key, status);
            if (after.isPresent()) return redirect(after.get(), key, scheme, host);
            if (w.errorKey() != null && status >= 400 && status < 500) {
                try {
                    return reader.read(op, new WebsiteCall(call, w.errorKey(), op))
                            .status(status);
                } catch (S3Exception errorDocumentFailed) {
                    return html(e, call, errorDocumentFailed);
                }
            }
            return html(e, call, null);
        }
    }

    private static boolean exists(Reader reader, S3Call call, String key) throws IOException {
        try {
            reader.read(Operation.HEAD_OBJECT, new WebsiteCall(call, key, Operation.HEAD_OBJECT));
            return true;
        } catch (S3Exception e) {
            return false;
        }
    }

    private static S3Response redirect(WebsiteConfiguration.RoutingRule rule, String key, String scheme, String host) {
        String protocol = rule.protocol() != null ? rule.protocol() : scheme;
        String to = rule.hostName() != null ? rule.hostName() : host;
        int code = rule.httpRedirectCode() != null ? Integer.parseInt(rule.httpRedirectCode()) : 301;
        return redirect(code, protocol + "://" + to + "/" + rule.newKey(key));
    }

    private static S3Response redirect(int status, String location) {
        return S3Response.ok().status(status).header("Location", location);
    }

    /** The website endpoint's HTML error page (the REST endpoint's XML error has the same code and message). */
    static S3Response html(S3Exception e, S3Call call, S3Exception errorDocumentFailure) {
        int status = e.code().status();
        String title = status + " " + reason(status);
        StringBuilder b = new StringBuilder("<html>\n<head><title>")
                .append(title)
                .append("</title></head>\n<body>\n<h1>")
                .append(title)
                .append("</h1>\n");
        list(b, e, call);
        if (errorDocumentFailure != null) {
            b.append("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n");
            list(b, errorDocumentFailure, call);
        }
        b.append("<hr/>\n</body>\n</html>\n");
        S3Response r = S3Response.ok()
                .status(status)
                .bytes(b.toString().getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
        e.headers().forEach(r::header);
        return r;
    }

    private static void list(StringBuilder b, S3Exception e, S3Call call) {
        b.append("<ul>\n<li>Code: ")
                .append(e.code().code())
                .append("</li>\n<li>Message: ")
                .append(escape(e.getMessage()))
                .append("</li>\n");
        for (Map.Entry<String, String> x : e.extra().entrySet()) {
            b.append("<li>")
                    .append(x.getKey())
                    .append(": ")
                    .append(escape(x.getValue()))
                    .append("</li>\n");
        }
        b.append("<li>RequestId: ")
                .append(call.requestId())
                .append("</li>\n<li>HostId: ")
                .append(call.requestId())
                .append("</li>\n</ul>\n");
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 412 -> "Precondition Failed";
            case 416 -> "Requested Range Not Satisfiable";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    private static String escape(String s) {
        return s == null
                ? ""
                : s.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }

    /** A website request as an anonymous GetObject/HeadObject of {@code key}: the website endpoint signs nothing. */
    private record WebsiteCall(S3Call call, String key, Operation op) implements S3Call {
        @Override
        public String method() {
            return op == Operation.HEAD_OBJECT ? "HEAD" : "GET";
        }

        @Override
        public String bucket() {
            return call.bucket();
        }

        @Override
        public Map<String, String> query() {
            return Map.of();
        }

        @Override
        public Map<String, List<String>> headers() {
            return call.headers();
        }

        @Override
        public InputStream body() {
            return InputStream.nullInputStream();
        }

        @Override
        public long contentLength() {
            return 0;
        }

        @Override
        public Map<String, String> verifiedChecksums() {
            return Map.of();
        }

        @Override
        public Principal principal() {
            return Principal.anonymous();
        }

        @Override
        public boolean secure() {
            return call.secure();
        }

        @Override
        public String sourceIp() {
            return call.sourceIp();
        }

        @Override
        public Optional<String> tlsProtocol() {
            return call.tlsProtocol();
        }

        @Override
        public String requestId() {
            return call.requestId();
        }
    }
}
