package io.backchannel.standalone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** JSON as the tests' clients write and read it: one mapper, one way to turn bodies and answers around. */
public final class TestJson {

    public static final ObjectMapper JSON = new ObjectMapper();

    private TestJson() {
    }

    /** An answer's body as JSON: empty is missing, and text that is not JSON comes back as a text node. */
    public static JsonNode parse(String text) {
        if (text == null || text.isEmpty()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    /** A request body: an object as JSON, a string as it is (so a test can send broken JSON). */
    public static String body(Object body) {
        try {
            return body instanceof String raw ? raw : JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
