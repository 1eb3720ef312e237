package io.rampart.s3;

import io.rampart.iam.Principal;
import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * POST Object, the browser-based upload: a multipart/form-data POST to the bucket whose fields (before the file) say
 * the key, content headers, metadata, ACL, tags and encryption, and whose policy (signed, checked by the auth layer)
 * bounds what may be uploaded. Once the policy holds, the upload is a PutObject of the form's key by the signer
 * (anonymous without a signature): the same authorisation, ACL and SSE-C gates, versioning and recovery semantics.
 */
final class PostObject {
    /** Form fields that become the object's headers as they are. */
    private static final Set<String> HEADER_FIELDS =
            Set.of("content-type", "cache-control", "content-disposition", "content-encoding", "expires");
    /** x-amz-* fields that sign the form rather than describe the object. */
    private static final Set<String> SIGNATURE_FIELDS =
            Set.of("x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature", "x-amz-security-token");

    private final Context ctx;
    private final Authorizer authorizer;
    private final Objects objects;

    PostObject(Context ctx, Authorizer authorizer, Objects objects) {
        this.ctx = ctx;
        this.authorizer = authorizer;
        this.objects = objects;
    }

    /** Checks the form and its policy, then authorises and runs the upload as a PutObject of the form's key. */
    S3Response handle(S3Call call) throws IOException {
        PostForm form = call.postForm()
                .orElseThrow(() -> new S3Exception(
                                S3ErrorCode.PRECONDITION_FAILED,
                                "At least one of the pre-conditions you specified did not hold")
                        .with("Condition", "Bucket POST must be of the enclosure-type multipart/form-data"));
        String key = form.objectKey()
                .orElseThrow(() -> new S3Exception(
                                S3ErrorCode.INVALID_ARGUMENT,
                                "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.")
                        .with("ArgumentName", "key")
                        .with("ArgumentValue", ""));
        if (key.isEmpty()) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "User key must have a length greater than 0.")
                    .with("ArgumentName", "key")
                    .with("ArgumentValue", "");
        }
        PostPolicy.LengthRange range = form.field("policy")
                .map(p -> PostPolicy.check(p, form, call.bucket(), key, ctx.now()))
                .orElse(PostPolicy.LengthRange.ANY);
        range = new PostPolicy.LengthRange(range.min(), Math.min(range.max(), Objects.MAX_SINGLE_PUT));
        FormCall upload = new FormCall(call, key, headers(form), range.bound(call.body()));
        AuthorizedCall authorized = authorizer.authorize(Operation.POST_OBJECT, upload);
        Acls.checkWriteHeaders(ctx, authorized);
        S3Response put = objects.putStreamed(authorized);
        return respond(put, form, call, key);
    }

    /** The object's headers from the form: content headers, x-amz-meta-*, acl, tagging and the SSE fields. */
    static Map<String, List<String>> headers(PostForm form) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (PostForm.Field f : form.fields()) {
            String name = PostForm.lower(f.name());
            if (h.containsKey(name) && !name.equals("tagging")) continue;
            if (HEADER_FIELDS.contains(name) || (name.startsWith("x-amz-") && !SIGNATURE_FIELDS.contains(name))) {
                h.put(name, List.of(f.value()));
            } else if (name.equals("acl")) {
                h.put("x-amz-acl", List.of(f.value()));
            } else if (name.equals("tagging")) {
                h.put("x-amz-tagging", List.of(tagging(f.value())));
            }
        }
        // Only the Content-Type field counts (the file part's own header does not), as on S3.
        return h;
    }

    /** The tagging field is a Tagging XML document; PutObject's header form is a query string. */
    private static String tagging(String xml) {
        XmlElement root = RequestXml.parse(xml.getBytes(StandardCharsets.UTF_8), "Tagging");
        List<String> pairs = new ArrayList<>();
        for (XmlElement tag : root.child("TagSet").map(s -> s.all("Tag")).orElse(List.of())) {
            String k = tag.childText("Key").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
            String v = tag.childText("Value").orElse("");
            pairs.add(
                    URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
        return String.join("&", pairs);
    }

    /** success_action_redirect (303), else success_action_status 200 or 201 (PostResponse), else 204. */
    private static S3Response respond(S3Response put, PostForm form, S3Call call, String key) {
        String etag = put.headers().getOrDefault("ETag", "");
        Optional<String> redirect = form.field("success_action_redirect")
                .or(() -> form.field("redirect"))
                .filter(PostObject::isHttpUrl);
        S3Response r;
        if (redirect.isPresent()) {
            String url = redirect.get();
            String query = "bucket=" + enc(call.bucket()) + "&key=" + enc(key) + "&etag=" + enc(etag);
            r = S3Response.ok().status(303).header("Location", url + (url.contains("?") ? "&" : "?") + query);
        } else {
            String status =
                    form.field("success_action_status").map(String::trim).orElse("");
            String location = location(call, key);
            if (status.equals("201")) {
                r = S3Response.xml(new XmlWriter()
                                .start("PostResponse")
                                .element("Location", location)
                                .element("Bucket", call.bucket())
                                .element("Key", key)
                                .element("ETag", etag))
                        .status(201);
            } else {
                r = (status.equals("200") ? S3Response.ok() : S3Response.noContent()).header("Location", location);
            }
        }
        put.headers().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("Location")) r.header(k, v);
        });
        put.trail().forEach(r::trail);
        return r;
    }

    private static boolean isHttpUrl(String s) {
        try {
            URI u = new URI(s.trim());
            return u.getScheme() != null
                    && (u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
                    && u.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String location(S3Call call, String key) {
        String host = call.header("host").orElse("localhost");
        String path = "/" + call.bucket() + "/" + enc(key).replace("%2F", "/");
        return (call.secure() ? "https://" : "http://") + host + path;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The upload as a PutObject sees it: the form's key, headers from its fields, the file as body (length unknown). */
    private static final class FormCall implements S3Call {
        private final S3Call call;
        private final String key;
        private final Map<String, List<String>> headers;
        private final InputStream body;

        FormCall(S3Call call, String key, Map<String, List<String>> formHeaders, InputStream body) {
            this.call = call;
            this.key = key;
            Map<String, List<String>> h = new LinkedHashMap<>(formHeaders);
            call.header("host").ifPresent(v -> h.put("host", List.of(v)));
            this.headers = h;
            this.body = body;
        }

        @Override
        public String method() {
            return call.method();
        }

        @Override
        public String bucket() {
            return call.bucket();
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public Map<String, String> query() {
            return Map.of();
        }

        @Override
        public Map<String, List<String>> headers() {
            return headers;
        }

        @Override
        public InputStream body() {
            return body;
        }

        @Override
        public long contentLength() {
            return -1;
        }

        @Override
        public Map<String, String> verifiedChecksums() {
            return Map.of();
        }

        @Override
        public Principal principal() {
            return call.principal();
        }

        @Override
        public boolean secure() {
            return call.secure();
        }

        @Override
        public String requestId() {
            return call.requestId();
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
        public Optional<PostForm> postForm() {
            return call.postForm();
        }
    }
}
