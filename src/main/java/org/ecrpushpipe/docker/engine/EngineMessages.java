package org.ecrpushpipe.docker.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads the engine's answer to a build or a push: a stream of JSON messages. The fields the pipe uses are
 * {@code stream} (build output chunks), {@code status} and {@code id} (pull and push progress),
 * {@code aux.ID} (the built image's full id), {@code aux.Digest} (the pushed manifest's digest) and
 * {@code errorDetail.message} / {@code error} (a failure, which for a push is reported only here: the HTTP status
 * stays 200), and for a BuildKit build the {@code aux} of {@code moby.buildkit.trace} messages (its status). Read with Jackson's streaming parser; no object mapper is built for them.
 */
final class EngineMessages {
    static final JsonFactory JSON = new JsonFactory();
    /** The {@code id} of a message whose {@code aux} is a BuildKit status (a protobuf, base64-encoded). */
    private static final String TRACE = "moby.buildkit.trace";
    /** How a push's last status line names the digest, for engines that send no {@code aux}. */
    private static final Pattern STATUS_DIGEST = Pattern.compile("digest: (sha256:[0-9a-f]{64})");

    private final LineAssembler lines;
    private final Consumer<byte[]> traces;
    private String imageId;
    private String digest;
    private String error;

    /** @param output receives build output as whole lines, and status lines that are not progress bars */
    EngineMessages(Consumer<String> output) {
        this(output, trace -> { });
    }

    /**
     * @param traces receives the status of a BuildKit build: the bytes of each {@code moby.buildkit.trace}
     *               message's {@code aux} (base64 in the message), in order
     */
    EngineMessages(Consumer<String> output, Consumer<byte[]> traces) {
        this.lines = new LineAssembler(output);
        this.traces = traces;
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
        String id = null;
        String auxText = null;
        boolean progress = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "stream" -> lines.accept(parser.getValueAsString());
                case "status" -> status = parser.getValueAsString();
                case "id" -> id = parser.getValueAsString();
                case "progressDetail" -> progress = hasCounters(parser, value);
                case "error" -> {
                    if (error == null) {
                        error = parser.getValueAsString();
                    }
                }
                case "errorDetail" -> readObject(parser, value, (name, p) -> {
                    if (name.equals("message") && p.currentToken() == JsonToken.VALUE_STRING) {
                        // the detail's message is the engine's own wording; prefer it to the plain "error"
                        error = p.getValueAsString();
                    }
                });
                case "aux" -> auxText = value == JsonToken.VALUE_STRING ? parser.getValueAsString()
                        : readAux(parser, value);
                default -> parser.skipChildren();
            }
        }
        if (auxText != null && TRACE.equals(id)) {
            traces.accept(Base64.getDecoder().decode(auxText));
        }
        showStatus(status, id, progress);
    }

    /** A {@code progressDetail}: an empty object on plain status lines, counters on progress-bar updates. */
    private static boolean hasCounters(JsonParser parser, JsonToken value) throws IOException {
        boolean counters = false;
        if (value == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                counters = true;
                parser.nextToken();
                parser.skipChildren();
            }
        } else {
            parser.skipChildren();
        }
        return counters;
    }

    /** An {@code aux} object: the built image's id, or the pushed manifest's digest. */
    private String readAux(JsonParser parser, JsonToken value) throws IOException {
        readObject(parser, value, (name, p) -> {
            if (name.equals("ID") && p.currentToken() == JsonToken.VALUE_STRING) {
                imageId = p.getValueAsString();
            } else if (name.equals("Digest") && p.currentToken() == JsonToken.VALUE_STRING) {
                digest = p.getValueAsString();
            }
        });
        return null;
    }

    private void showStatus(String status, String id, boolean progress) {
        if (status != null && digest == null) {
            Matcher m = STATUS_DIGEST.matcher(status);
            if (m.find()) {
                digest = m.group(1);
            }
        }
        if (status != null && !progress) {
            lines.flush();
            lines.accept((id == null ? "" : id + ": ") + status + "\n");
        }
    }

    @FunctionalInterface
    private interface FieldReader {
        void read(String name, JsonParser parser) throws IOException;
    }

    private static void readObject(JsonParser parser, JsonToken value, FieldReader reader) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            reader.read(name, parser);
            parser.skipChildren();
        }
    }

    /** Top-level string fields of one JSON object, by name; the names it lacks are missing from the answer. */
    static Map<String, String> fields(InputStream body, Set<String> names) throws IOException {
        Map<String, String> found = new HashMap<>();
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return found;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (names.contains(field) && value == JsonToken.VALUE_STRING) {
                    found.put(field, parser.getValueAsString());
                }
                parser.skipChildren();
            }
        }
        return found;
    }

    /** A top-level whole-number field of one JSON object (an image inspection's {@code Size}). */
    static OptionalLong number(InputStream body, String name) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return OptionalLong.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                    return OptionalLong.of(parser.getLongValue());
                }
                parser.skipChildren();
            }
        }
        return OptionalLong.empty();
    }

    /** A top-level string field of one JSON object (an engine's answer such as an image's inspection). */
    static Optional<String> field(InputStream body, String name) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals(name) && value == JsonToken.VALUE_STRING) {
                    return Optional.of(parser.getValueAsString());
                }
                parser.skipChildren();
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code Id}s of the engine's image list (a JSON array of objects with {@code Id}, {@code ParentId} and
     * {@code Created}): images built on this engine (they have a parent) before pulled ones, the newest first within
     * each, at most {@code limit}.
     */
    static List<String> builtFirst(InputStream body, int limit) throws IOException {
        List<ListedImage> images = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return List.of();
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                ListedImage image = ListedImage.read(parser);
                if (image.id() != null) {
                    images.add(image);
                }
            }
        }
        images.sort(Comparator.comparing(ListedImage::built).thenComparingLong(ListedImage::created).reversed());
        return images.stream().limit(limit).map(ListedImage::id).toList();
    }

    /** One image of the engine's list: its id, whether it was built here (has a parent), and when it was made. */
    private record ListedImage(String id, boolean built, long created) {
        static ListedImage read(JsonParser parser) throws IOException {
            String id = null;
            boolean built = false;
            long created = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("Id") && value == JsonToken.VALUE_STRING) {
                    id = parser.getValueAsString();
                } else if (field.equals("ParentId") && value == JsonToken.VALUE_STRING) {
                    built = !parser.getValueAsString().isEmpty();
                } else if (field.equals("Created") && value == JsonToken.VALUE_NUMBER_INT) {
                    created = parser.getLongValue();
                } else {
                    parser.skipChildren();
                }
            }
            return new ListedImage(id, built, created);
        }
    }

    /** The built image's full id ({@code sha256:…}), once the engine has sent it. */
    Optional<String> imageId() {
        return Optional.ofNullable(imageId);
    }

    /** The digest of the manifest the registry accepted, from a push's final {@code aux}. */
    Optional<String> digest() {
        return Optional.ofNullable(digest);
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
