package org.ecrpushpipe.docker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads the engine's answer to a classic build: a stream of JSON messages ({@code stream} output chunks,
 * {@code status} lines of a base image pull, {@code aux.ID} with the built image's full id, and
 * {@code errorDetail.message} when a step fails). Only the fields the pipe uses are read, with Jackson's streaming
 * parser; no object mapper is built for them.
 */
final class BuildStream {
    private static final JsonFactory JSON = new JsonFactory();

    private final LineAssembler lines;
    private String imageId;
    private String error;

    BuildStream(Consumer<String> output) {
        this.lines = new LineAssembler(output);
    }

    /** Reads messages until the engine closes the stream. */
    void read(InputStream body) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                message(parser);
            }
        } finally {
            lines.flush();
        }
    }

    private void message(JsonParser parser) throws IOException {
        String status = null;
        boolean progress = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "stream" -> lines.accept(parser.getValueAsString());
                case "status" -> status = parser.getValueAsString();
                case "progressDetail", "progress" -> {
                    progress = value == JsonToken.START_OBJECT || value == JsonToken.VALUE_STRING;
                    parser.skipChildren();
                }
                case "error" -> {
                    if (error == null) {
                        error = parser.getValueAsString();
                    }
                }
                case "errorDetail" -> readErrorDetail(parser, value);
                case "aux" -> readAux(parser, value);
                default -> parser.skipChildren();
            }
        }
        if (status != null && !progress) {
            lines.flush();
            lines.accept(status + "\n");
        }
    }

    private void readErrorDetail(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals("message")) {
                // the detail's message is the engine's own wording; prefer it to the plain "error" field
                error = parser.getValueAsString();
            } else {
                parser.skipChildren();
            }
        }
    }

    private void readAux(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals("ID") && parser.currentToken() == JsonToken.VALUE_STRING) {
                imageId = parser.getValueAsString();
            } else {
                parser.skipChildren();
            }
        }
    }

    /** The built image's full id ({@code sha256:…}), once the engine has sent it. */
    Optional<String> imageId() {
        return Optional.ofNullable(imageId);
    }

    /** The first failure the engine reported in the stream. */
    Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** Flushes a partly received line, e.g. when the connection broke. */
    void flush() {
        lines.flush();
    }
}
