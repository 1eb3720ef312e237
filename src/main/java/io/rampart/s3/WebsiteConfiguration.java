package io.rampart.s3;

import io.rampart.xml.XmlElement;
import io.rampart.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A bucket's static website configuration (PutBucketWebsite): the index document suffix, the error document key, a
 * redirect of every request to another host, or routing rules that redirect by key prefix or by the error a request
 * would get.
 */
record WebsiteConfiguration(
        String indexSuffix, String errorKey, RedirectAll redirectAll, List<RoutingRule> routingRules) {

    /** RedirectAllRequestsTo: HostName, and Protocol (the request's when absent). */
    record RedirectAll(String hostName, String protocol) {}

    /** One RoutingRule: a Condition (either part may be absent) and a Redirect. */
    record RoutingRule(
            String keyPrefixEquals,
            String httpErrorCodeReturnedEquals,
            String protocol,
            String hostName,
            String replaceKeyPrefixWith,
            String replaceKeyWith,
            String httpRedirectCode) {
        /** Whether the rule applies to {@code key}, before the object is read ({@code errorCode} null) or after an error. */
        boolean applies(String key, Integer errorCode) {
            if (keyPrefixEquals != null && !key.startsWith(keyPrefixEquals)) return false;
            if (httpErrorCodeReturnedEquals == null) return errorCode == null;
            return errorCode != null && httpErrorCodeReturnedEquals.equals(errorCode.toString());
        }

        /** The key the redirect points to. */
        String newKey(String key) {
            if (replaceKeyWith != null) return replaceKeyWith;
            if (replaceKeyPrefixWith != null) {
                String prefix = keyPrefixEquals == null ? "" : keyPrefixEquals;
                return replaceKeyPrefixWith + key.substring(prefix.length());
            }
            return key;
        }
    }

    /** The first routing rule that applies, if any. */
    Optional<RoutingRule> rule(String key, Integer errorCode) {
        return routingRules.stream().filter(r -> r.applies(key, errorCode)).findFirst();
    }

    static WebsiteConfiguration parse(byte[] body) {
        XmlElement root = RequestXml.parse(body, "WebsiteConfiguration");
        Optional<XmlElement> all = root.child("RedirectAllRequestsTo");
        Optional<XmlElement> index = root.child("IndexDocument");
        Optional<XmlElement> error = root.child("ErrorDocument");
        Optional<XmlElement> rules = root.child("RoutingRules");
        if (all.isPresent()) {
            if (index.isPresent() || error.isPresent() || rules.isPresent()) {
                throw new S3Exception(
                        S3ErrorCode.INVALID_ARGUMENT,
                        "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.");
            }
            String host = all.get()
                    .childText("HostName")
                    .map(String::trim)
                    .filter(h -> !h.isEmpty())
                    .orElseThrow(() -> new S3Exception(
                            S3ErrorCode.INVALID_ARGUMENT,
                            "A value for RedirectAllRequestsTo HostName must be provided"));
            return new WebsiteConfiguration(null, null, new RedirectAll(host, protocol(all.get())), List.of());
        }
        if (index.isEmpty()) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT,
                    "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty");
        }
        String suffix = index.get().childText("Suffix").map(String::trim).orElse("");
        if (suffix.isEmpty() || suffix.contains("/")) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The IndexDocument Suffix is not well formed");
        }
        String errorKey = null;
        if (error.isPresent()) {
            errorKey = error.get()
                    .childText("Key")
                    .map(String::trim)
                    .filter(k -> !k.isEmpty())
                    .orElseThrow(() ->
                            new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The ErrorDocument Key is not well formed"));
        }
        List<RoutingRule> parsed = new ArrayList<>();
        if (rules.isPresent()) {
            List<XmlElement> list = rules.get().all("RoutingRule");
            if (list.isEmpty() || list.size() > 50) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            for (XmlElement r : list) parsed.add(rule(r));
        }
        return new WebsiteConfiguration(suffix, errorKey, null, List.copyOf(parsed));
    }

    private static RoutingRule rule(XmlElement r) {
        XmlElement redirect = r.child("Redirect").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
        Optional<XmlElement> condition = r.child("Condition");
        String prefix = condition.flatMap(c -> c.childText("KeyPrefixEquals")).orElse(null);
        String code = condition
                .flatMap(c -> c.childText("HttpErrorCodeReturnedEquals"))
                .map(String::trim)
                .orElse(null);
        if (condition.isPresent() && prefix == null && code == null) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST,
                    "Condition cannot be empty. To redirect all requests without a condition, the condition element "
                            + "shouldn't be present.");
        }
        if (code != null && !code.matches("4\\d\\d|5\\d\\d")) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT,
                    "The provided HTTP error code (" + code + ") is not valid. " + "Valid codes are 4XX or 5XX.");
        }
        String replacePrefix = redirect.childText("ReplaceKeyPrefixWith").orElse(null);
        String replaceKey = redirect.childText("ReplaceKeyWith").orElse(null);
        if (replacePrefix != null && replaceKey != null) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_REQUEST, "You can only define ReplaceKeyPrefix or ReplaceKey but not both.");
        }
        String redirectCode =
                redirect.childText("HttpRedirectCode").map(String::trim).orElse(null);
        if (redirectCode != null && !redirectCode.matches("3\\d\\d")) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT,
                    "The provided HTTP redirect code (" + redirectCode
                            + ") is not valid. Valid codes are 3XX except 300.");
        }
        if ("300".equals(redirectCode)) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT,
                    "The provided HTTP redirect code (300) is not valid. " + "Valid codes are 3XX except 300.");
        }
        String host = redirect.childText("HostName").map(String::trim).orElse(null);
        return new RoutingRule(prefix, code, protocol(redirect), host, replacePrefix, replaceKey, redirectCode);
    }

    private static String protocol(XmlElement parent) {
        String p = parent.childText("Protocol").map(String::trim).orElse(null);
        if (p != null && !p.equals("http") && !p.equals("https")) {
            throw new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT,
                    "Invalid protocol, protocol can be http or https. "
                            + "If not defined the protocol will be selected automatically.");
        }
        return p;
    }

    XmlWriter toXml() {
        XmlWriter x = new XmlWriter().start("WebsiteConfiguration", XmlWriter.S3_NAMESPACE);
        if (redirectAll != null) {
            x.start("RedirectAllRequestsTo").element("HostName", redirectAll.hostName());
            if (redirectAll.protocol() != null) x.element("Protocol", redirectAll.protocol());
            return x.end().end();
        }
        x.start("IndexDocument").element("Suffix", indexSuffix).end();
        if (errorKey != null) x.start("ErrorDocument").element("Key", errorKey).end();
        if (!routingRules.isEmpty()) {
            x.start("RoutingRules");
            for (RoutingRule r : routingRules) {
                x.start("RoutingRule");
                if (r.keyPrefixEquals() != null || r.httpErrorCodeReturnedEquals() != null) {
                    x.start("Condition");
                    if (r.httpErrorCodeReturnedEquals() != null)
                        x.element("HttpErrorCodeReturnedEquals", r.httpErrorCodeReturnedEquals());
                    if (r.keyPrefixEquals() != null) x.element("KeyPrefixEquals", r.keyPrefixEquals());
                    x.end();
                }
                x.start("Redirect");
                if (r.hostName() != null) x.element("HostName", r.hostName());
                if (r.httpRedirectCode() != null) x.element("HttpRedirectCode", r.httpRedirectCode());
                if (r.protocol() != null) x.element("Protocol", r.protocol());
                if (r.replaceKeyPrefixWith() != null) x.element("ReplaceKeyPrefixWith", r.replaceKeyPrefixWith());
                if (r.replaceKeyWith() != null) x.element("ReplaceKeyWith", r.replaceKeyWith());
                x.end().end();
            }
            x.end();
        }
        return x.end();
    }
}
