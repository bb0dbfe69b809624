package org.ecrpushpipe.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The version a release of a repository must make, worked out here from its files as semantic versioning says (the
 * highest change type among .changes/next-release's entries bumps pom.xml's version), to check the release script
 * against.
 */
record NextVersion(String current, String next) {
    private static final Pattern POM_VERSION = Pattern.compile("<artifactId>ecr-push-pipe</artifactId>\\s*<version>([^<]+)</version>");

    static NextVersion of(Path repository) throws IOException {
        Matcher pom = POM_VERSION.matcher(Files.readString(repository.resolve("pom.xml")));
        if (!pom.find()) {
            throw new AssertionError("pom.xml has no project version");
        }
        String current = pom.group(1);
        List<String> types;
        try (Stream<Path> files = Files.list(repository.resolve(".changes/next-release"))) {
            ObjectMapper json = new ObjectMapper();
            types = files.filter(f -> f.toString().endsWith(".json")).map(f -> {
                try {
                    return json.readTree(f.toFile()).get("type").asText();
                } catch (IOException e) {
                    throw new AssertionError(f + " cannot be read", e);
                }
            }).toList();
        }
        int[] v = Stream.of(current.split("\\.")).mapToInt(Integer::parseInt).toArray();
        String next;
        if (types.contains("major")) {
            next = (v[0] + 1) + ".0.0";
        } else if (types.contains("minor")) {
            next = v[0] + "." + (v[1] + 1) + ".0";
        } else if (types.contains("patch")) {
            next = v[0] + "." + v[1] + "." + (v[2] + 1);
        } else {
            throw new AssertionError("no change entry in " + repository.resolve(".changes/next-release"));
        }
        return new NextVersion(current, next);
    }

    /** X.Y of the next version, the tag each release moves. */
    String minor() {
        return next.substring(0, next.lastIndexOf('.'));
    }

    /** X of the next version, the tag each release moves. */
    String major() {
        return next.substring(0, next.indexOf('.'));
    }
}
