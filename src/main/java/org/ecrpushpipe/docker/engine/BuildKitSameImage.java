package org.ecrpushpipe.docker.engine;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.ecrpushpipe.registry.Digest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.github.dockerjava.transport.DockerHttpClient;

/**
 * The image the engine already holds that a BuildKit build with inline cache metadata made again. BuildKit 0.8
 * (Docker 20.10) writes a step's cache records into that metadata in the order its cache graph happens to hold them,
 * and the order changes as the engine builds other contexts with the same layers or imports a cache: a build whose
 * every step came from the cache can make an image that differs from the one it came from in that metadata alone —
 * another image id, which an immutable tag refuses and which restores no archived image. An image that
 * {@code docker build} of the same context made earlier in the step, without the metadata, differs likewise. An image
 * the engine holds that is the same in all else (configuration, layers, history) is the build's image: one of the
 * build's cache sources first, as it carries the metadata that makes it a cache source next time; then one that has a
 * name (the tag a re-run on the same engine finds), before one that has none.
 *
 * <p>One request (the engine's image list) when no other image was made at the same second with the same size; the
 * inspections and histories of those that were, and of the build's image, otherwise.
 */
final class BuildKitSameImage {
    /** What an image's inspection holds that is not the image: its id, its names, when it was last tagged. */
    private static final Set<String> NOT_THE_IMAGE = Set.of("Id", "RepoTags", "RepoDigests", "Metadata");
    /** What a history entry holds that is not the image's history: the ids and names of the images along it. */
    private static final Set<String> NOT_THE_HISTORY = Set.of("Id", "Tags");

    private final EngineConnection engine;

    BuildKitSameImage(EngineConnection engine) {
        this.engine = engine;
    }

    /** An image the engine held already (by id) and one of its names, or its id when it has none. */
    record Held(Digest id, String name) {
    }

    /** One image of the engine's list: its id, names, when it was made (seconds) and its size. */
    private record Listed(String id, List<String> names, long created, long size) {
        boolean alike(Listed other) {
            return created == other.created && size == other.size;
        }

        /**
         * Where it stands: the cache sources first (by id or a name), in their order; then an image with a name; then
         * one without (a build's image that nothing names, such as one this very difference made before).
         */
        int rank(List<String> sources) {
            for (int i = 0; i < sources.size(); i++) {
                if (names.contains(sources.get(i)) || id.equals(sources.get(i))) {
                    return i;
                }
            }
            return names.stream().anyMatch(n -> !n.equals("<none>:<none>")) ? sources.size() : sources.size() + 1;
        }

        /** The cache source it is, else its first name, else its id. */
        String name(List<String> sources) {
            return sources.stream().filter(names::contains).findFirst()
                    .or(() -> names.stream().filter(n -> !n.equals("<none>:<none>")).findFirst())
                    .orElse(id);
        }
    }

    /**
     * The image other than {@code built} that is the same but for BuildKit's cache metadata, if the engine holds one;
     * empty too when the engine cannot be asked (the build's own image then stands).
     *
     * @param sources the build's cache sources, by name or id, preferred in this order
     */
    Optional<Held> of(Digest built, List<String> sources) {
        try {
            List<Listed> images = listed();
            Optional<Listed> self = images.stream().filter(i -> i.id().equals(built.value())).findFirst();
            if (self.isEmpty()) {
                return Optional.empty();
            }
            // the same image but for the metadata was made at the same second and is as large: only those are read
            List<Listed> alike = images.stream().filter(i -> i != self.get() && i.alike(self.get()))
                    .sorted(Comparator.comparingInt(i -> i.rank(sources))).toList();
            if (alike.isEmpty()) {
                return Optional.empty();
            }
            String image = canonical("/images/" + built.value() + "/json", NOT_THE_IMAGE);
            String history = canonical("/images/" + built.value() + "/history", NOT_THE_HISTORY);
            for (Listed other : alike) {
                if (canonical("/images/" + other.id() + "/json", NOT_THE_IMAGE).equals(image)
                        && canonical("/images/" + other.id() + "/history", NOT_THE_HISTORY).equals(history)) {
                    return Optional.of(new Held(Digest.of(other.id()), other.name(sources)));
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The engine's images ({@code docker images}). */
    private List<Listed> listed() throws IOException {
        List<Listed> images = new ArrayList<>();
        try (DockerHttpClient.Response response = get("/images/json");
             JsonParser parser = EngineMessages.JSON.createParser(response.getBody())) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("the image list is not a JSON array");
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                String id = "";
                List<String> names = new ArrayList<>();
                long created = -1;
                long size = -1;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    switch (field) {
                        case "Id" -> id = parser.getValueAsString();
                        case "Created" -> created = parser.getValueAsLong();
                        case "Size" -> size = parser.getValueAsLong();
                        case "RepoTags" -> {
                            while (value == JsonToken.START_ARRAY && parser.nextToken() == JsonToken.VALUE_STRING) {
                                names.add(parser.getValueAsString());
                            }
                        }
                        default -> parser.skipChildren();
                    }
                }
                images.add(new Listed(id, List.copyOf(names), created, size));
            }
        }
        return images;
    }

    /**
     * The engine's JSON answer to {@code path} as text, without the fields {@code dropped} of the answer (an object)
     * or of each of its entries (an array of objects): two answers are the same image when their texts are equal.
     */
    private String canonical(String path, Set<String> dropped) throws IOException {
        StringWriter text = new StringWriter();
        try (DockerHttpClient.Response response = get(path);
             JsonParser parser = EngineMessages.JSON.createParser(response.getBody());
             JsonGenerator generator = EngineMessages.JSON.createGenerator(text)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_ARRAY) {
                generator.writeStartArray();
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    copyObject(parser, generator, dropped);
                }
                generator.writeEndArray();
            } else if (first == JsonToken.START_OBJECT) {
                copyObject(parser, generator, dropped);
            } else {
                throw new IOException("not a JSON object or array: " + path);
            }
        }
        return text.toString();
    }

    /** Copies the object the parser is at the start of, without the fields {@code dropped}. */
    private static void copyObject(JsonParser parser, JsonGenerator generator, Set<String> dropped)
            throws IOException {
        generator.writeStartObject();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (dropped.contains(field)) {
                parser.skipChildren();
            } else {
                generator.writeFieldName(field);
                generator.copyCurrentStructure(parser);
            }
        }
        generator.writeEndObject();
    }

    private DockerHttpClient.Response get(String path) throws IOException {
        DockerHttpClient.Response response = engine.execute(EngineConnection.request("GET", path).build());
        if (response.getStatusCode() != 200) {
            response.close();
            throw new IOException("HTTP " + response.getStatusCode() + " for " + path);
        }
        return response;
    }
}
