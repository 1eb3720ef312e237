package io.rampart.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Console links: every path lives under {@link #BASE}; values in paths and queries are percent-encoded. */
public final class Urls {
    public static final String BASE = "/_rampart/console";

    private Urls() {}

    /** A value for a query string or a path segment ("/" encoded too). */
    public static String enc(String s) {
        return s == null ? "" : URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
