package org.ecrpushpipe.docker.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.ecrpushpipe.config.BuildArg;
import org.ecrpushpipe.docker.BuildRequest;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * A build's options as the engine's classic build API takes them ({@code POST /build}): {@code buildargs} and
 * {@code labels} as JSON objects, {@code target}, {@code nocache}, {@code pull} — the parameters the docker CLI and
 * docker-java's build command (buildArgs, target, labels, noCache, pull) send. A build argument without a value
 * goes as JSON {@code null}, as the CLI sends a bare {@code --build-arg KEY} whose variable is unset.
 */
final class BuildOptions {
    private BuildOptions() {
    }

    /** The query parameters for the request's options, each starting with {@code &}; empty when none is set. */
    static String query(BuildRequest request) {
        StringBuilder query = new StringBuilder();
        if (!request.buildArgs().isEmpty()) {
            query.append("&buildargs=").append(encode(json(generator -> {
                for (BuildArg arg : request.buildArgs()) {
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
        if (request.pull()) {
            query.append("&pull=1");
        }
        return query.toString();
    }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator generator) throws IOException;
    }

    private static String json(Fields fields) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator generator = EngineMessages.JSON.createGenerator(json)) {
            generator.writeStartObject();
            fields.write(generator);
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return json.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
