package org.ecrpushpipe.results;

import java.io.IOException;
import java.io.StringWriter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The results as one JSON object: {@code {"IMAGE_URI": "…", "IMAGE_DIGEST": "sha256:…", "IMAGE_TAGS": ["1.0",
 * "latest"], "regions": [{"region": "eu-west-1", "IMAGE_URI": "…", "IMAGE_DIGEST": "…"}], "platforms":
 * [{"platform": "linux/arm64", "IMAGE_DIGEST": "…", "SOURCE_TAG": "42-arm64"}]}}, the keys named as in the dotenv
 * file; {@code regions} is empty without mirroring, {@code platforms} without PLATFORM_TAGS.
 */
public final class JsonResults {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonResults() {
    }

    public static String render(ImageResults results) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("IMAGE_URI", results.imageUri());
            json.writeStringField("IMAGE_DIGEST", results.digest().value());
            json.writeArrayFieldStart("IMAGE_TAGS");
            for (String tag : results.tags()) {
                json.writeString(tag);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("regions");
            for (ImageResults.Region region : results.regions()) {
                json.writeStartObject();
                json.writeStringField("region", region.region());
                json.writeStringField("IMAGE_URI", region.imageUri());
                json.writeStringField("IMAGE_DIGEST", region.digest().value());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("platforms");
            for (ImageResults.Platform platform : results.platforms()) {
                json.writeStartObject();
                json.writeStringField("platform", platform.platform());
                json.writeStringField("IMAGE_DIGEST", platform.digest().value());
                json.writeStringField("SOURCE_TAG", platform.sourceTag());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("could not render the results as JSON", e);
        }
        return out + "\n";
    }
}
