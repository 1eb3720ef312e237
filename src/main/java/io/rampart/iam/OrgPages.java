package io.rampart.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.crypto.MasterKey;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Organizations' paging, one engine for every List action: {@code MaxResults} (1 to 20, as AWS) and {@code NextToken}.
 * A token is the next item's position sealed under the master key for one list (the action and the parameters that
 * choose its items, not MaxResults, which may change between pages): opaque to the caller, the same on every node and
 * after a restart, and a forged, altered or borrowed token does not open, so it is InvalidInputException
 * (INVALID_NEXT_TOKEN), never a wrong page or a server error.
 */
final class OrgPages {
    /** MaxResults of the List operations: AWS's range is 1 to 20. */
    static final int MAX_RESULTS = 20;

    private static final String CONTEXT = "organizations-next-token:";

    private final MasterKey key;

    OrgPages(MasterKey key) {
        this.key = key;
    }

    /** One page of {@code all} for the request {@code in} of {@code action}; NextToken in {@code out} when more follow. */
    <T> List<T> page(String action, JsonNode in, ObjectNode out, List<T> all) {
        return page(action, in, out, all, maxResults(in));
    }

    /**
     * One page of at most {@code max} items, for the List actions without MaxResults (ListTagsForResource, whose items
     * are few).
     */
    <T> List<T> page(String action, JsonNode in, ObjectNode out, List<T> all, int max) {
        String context = CONTEXT + action + scope(in);
        int from = 0;
        JsonNode token = in.get("NextToken");
        if (token != null && !token.isNull()) from = open(token, context, all.size());
        int to = (int) Math.min(all.size(), (long) from + max);
        if (to < all.size()) out.put("NextToken", seal(to, context));
        return List.copyOf(all.subList(from, to));
    }

    /** MaxResults as AWS takes it: absent means the most, else an integer from 1 to 20. */
    private static int maxResults(JsonNode in) {
        JsonNode m = in.get("MaxResults");
        if (m == null || m.isNull()) return MAX_RESULTS;
        if (!m.isIntegralNumber() || !m.canConvertToInt()) {
            throw invalid(
                    "INVALID_PATTERN", "You provided a value that does not match the required pattern for MaxResults.");
        }
        if (m.asInt() < 1) throw invalid("MIN_VALUE_EXCEEDED", "MaxResults must be at least 1.");
        if (m.asInt() > MAX_RESULTS) {
            throw invalid("MAX_VALUE_EXCEEDED", "MaxResults must be at most " + MAX_RESULTS + ".");
        }
        return m.asInt();
    }

    /** The parameters that choose a list's items, in a fixed order: a token is good only for the same list. */
    private static String scope(JsonNode in) {
        TreeMap<String, String> fields = new TreeMap<>();
        for (Iterator<String> names = in.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("NextToken") && !name.equals("MaxResults"))
                fields.put(name, in.get(name).toString());
        }
        return fields.toString();
    }

    private String seal(int position, String context) {
        byte[] sealed = key.seal(ByteBuffer.allocate(4).putInt(position).array(), context);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
    }

    private int open(JsonNode token, String context, int size) {
        Optional<Integer> position = Optional.empty();
        if (token.isTextual() && token.asText().length() <= 1024) {
            try {
                byte[] plain = key.unseal(Base64.getUrlDecoder().decode(token.asText()), context);
                if (plain.length == 4)
                    position = Optional.of(ByteBuffer.wrap(plain).getInt());
            } catch (IllegalArgumentException e) {
                // not a token of this list: answered below
            }
        }
        // A list that shrank since the token was made ends where it now ends.
        return position.filter(p -> p >= 0)
                .map(p -> Math.min(p, size))
                .orElseThrow(() -> invalid("INVALID_NEXT_TOKEN", "The specified NextToken is not valid."));
    }

    private static IamException invalid(String reason, String message) {
        return new IamException(IamErrorCode.ORG_INVALID_INPUT, message, Optional.of(reason));
    }
}
