package org.ecrpushpipe.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** ECR's pagination: {@code maxResults} items a page, and an opaque {@code nextToken} while more remain. */
final class Pagination {
    private Pagination() {
    }

    /**
     * The page of {@code all} that the request's {@code nextToken} asks for; puts the token of the next page in
     * {@code response} when there is one (after the members already put there).
     */
    static <T> List<T> page(Params params, List<T> all, int maxResults, ObjectNode response) {
        int from = params.string("nextToken").map(Pagination::decode).orElse(0);
        int to = Math.min(all.size(), from + maxResults);
        if (to < all.size()) {
            response.put("nextToken", Base64.getEncoder().encodeToString(("offset:" + to)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return all.subList(Math.min(from, to), to);
    }

    private static int decode(String token) {
        try {
            String s = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
            return Integer.parseInt(s.substring("offset:".length()));
        } catch (RuntimeException e) {
            throw new EcrError("InvalidParameterException", "Invalid parameter at 'nextToken' failed to satisfy "
                    + "constraint: 'Invalid pagination token'");
        }
    }
}
