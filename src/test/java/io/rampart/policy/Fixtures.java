package io.rampart.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared principals and a compact "key=v1|v2; key2=v" notation for condition-key tables. */
final class Fixtures {
    static final String ACCOUNT = "111122223333";
    static final String OTHER_ACCOUNT = "444455556666";
    static final RequestContext.Principal ALICE = RequestContext.Principal.iamUser(ACCOUNT, "alice", "AIDAALICE");
    static final RequestContext.Principal BOB_OTHER = RequestContext.Principal.iamUser(OTHER_ACCOUNT, "bob", "AIDABOB");
    static final RequestContext.Principal ROLE_SESSION =
            RequestContext.Principal.assumedRole(ACCOUNT, "Writer", "sess", "AROAWRITER");

    private Fixtures() {}

    /** "k=a,b; k2=c" to a key map; "k=" is a present key with no values; "" is no keys. */
    static Map<String, List<String>> keys(String spec) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) return m;
        for (String entry : spec.split(";")) {
            String e = entry.trim();
            int eq = e.indexOf('=');
            String k = e.substring(0, eq).trim();
            String v = e.substring(eq + 1);
            List<String> values = new ArrayList<>();
            if (!v.isEmpty()) values.addAll(List.of(v.split(",")));
            m.put(k, values);
        }
        return m;
    }

    static RequestContext ctx(RequestContext.Principal p, String action, String resource, String keys) {
        return RequestContext.builder()
                .principal(p)
                .action(action)
                .resource(resource)
                .resourceAccountId(ACCOUNT)
                .keys(keys(keys))
                .build();
    }

    static PolicyDocument identity(String json) {
        return PolicyDocument.parse(json, PolicyKind.IDENTITY);
    }

    static PolicyDocument bucket(String json) {
        return PolicyDocument.parse(json, PolicyKind.RESOURCE);
    }
}
