package org.ecrpushpipe.docker.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.ecrpushpipe.config.BuildArg;
import org.ecrpushpipe.docker.BuildCache;
import org.ecrpushpipe.docker.BuildRequest;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * A build's options as the engine's classic build API takes them ({@code POST /build}): {@code buildargs} and
 * {@code labels} as JSON objects, {@code target}, {@code nocache}, {@code pull} — the parameters the docker CLI and
 * docker-java's build command (buildArgs, target, labels, noCache, pull) send. A build argument without a value
 * goes as JSON {@code null}, as the CLI sends a bare {@code --build-arg KEY} whose variable is unset. BuildKit
 * takes them the same way through the same API ({@code version=2}).
 */
final class BuildOptions {
    private BuildOptions() {
    }

    /** The query parameters for the request's options, each starting with {@code &}; empty when none is set. */
    static String query(BuildRequest request) {
        return query(request, request.buildArgs()) + (request.pull() ? "&pull=1" : "");
    }

    /**
     * The parameters every builder takes the same way ({@code buildargs} as given, {@code labels}, {@code target},
     * {@code nocache}), each starting with {@code &}; {@code pull} is left to the builder.
     */
    static String query(BuildRequest request, List<BuildArg> buildArgs) {
        StringBuilder query = new StringBuilder();
        if (!buildArgs.isEmpty()) {
            query.append("&buildargs=").append(encode(json(generator -> {
                for (BuildArg arg : buildArgs) {
                    if (arg.value().isPresent()) {
                        generator.writeStringField(arg.name(), arg.value().get());
                    } else {
                        generator.writeNullField(arg.name());
                    }
                }
            })));
        }
        if (!request.labels().isEmpty()) {
            query.append("&labels=").append(encode(json(generator -> {
                for (Map.Entry<String, String> label : request.labels().entrySet()) {
                    generator.writeStringField(label.getKey(), label.getValue());
                }
            })));
        }
        request.stage().ifPresent(t -> query.append("&target=").append(encode(t)));
        if (request.noCache()) {
            query.append("&nocache=1");
        }
        return query.toString();
    }

    /**
     * The build's cache parameter: {@code cachefrom}, a JSON array of image names (docker-java's
     * {@code withCacheFrom}, the CLI's {@code --cache-from}); empty without sources.
     */
    static String cacheFrom(List<String> sources) {
        if (sources.isEmpty()) {
            return "";
        }
        String array = json(generator -> {
            for (String source : sources) {
                generator.writeString(source);
            }
        }, true);
        return "&cachefrom=" + encode(array);
    }

    /** {@code &name=value}, the value URL-encoded. */
    static String parameter(String name, String value) {
        return "&" + name + "=" + encode(value);
    }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator generator) throws IOException;
    }

    private static String json(Fields fields) {
        return json(fields, false);
    }

    /** A JSON object of the fields, or an array of the values. */
    private static String json(Fields fields, boolean array) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator generator = EngineMessages.JSON.createGenerator(json)) {
            if (array) {
                generator.writeStartArray();
                fields.write(generator);
                generator.writeEndArray();
            } else {
                generator.writeStartObject();
                fields.write(generator);
                generator.writeEndObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return json.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
