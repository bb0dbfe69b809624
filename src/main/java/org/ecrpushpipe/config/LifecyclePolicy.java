package org.ecrpushpipe.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An ECR lifecycle policy as LIFECYCLE_POLICY's file holds it, already checked against ECR's rule shape.
 *
 * @param file the path as the user wrote it, for messages
 * @param text the file's text, sent to ECR as it is
 */
public record LifecyclePolicy(String file, String text) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Whether {@code other} (what GetLifecyclePolicy returns) is this policy: compared as parsed JSON, since ECR
     * may hand back the text with other whitespace or member order.
     */
    public boolean sameAs(String other) {
        try {
            return JSON.readTree(text).equals(JSON.readTree(other));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    static JsonNode parse(String text) throws JsonProcessingException {
        return JSON.readTree(text);
    }
}
