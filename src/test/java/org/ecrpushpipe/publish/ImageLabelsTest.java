package org.ecrpushpipe.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ecrpushpipe.config.BuildSettings;
import org.ecrpushpipe.config.Tag;
import org.junit.jupiter.api.Test;

/** The OCI labels a build gets from the commit, and the user's LABELS winning over them. */
class ImageLabelsTest {
    private static final BuildSettings.Commit COMMIT = new BuildSettings.Commit(Optional.of("abc123"),
            Optional.of("http://bitbucket.org/team/repo"), Optional.of("main"));

    private static BuildSettings settings(Map<String, String> labels) {
        return new BuildSettings(Optional.empty(), List.of(), Optional.empty(), labels, false, false, COMMIT);
    }

    @Test
    void fromTheCommitWithTheFirstFixedTagAsVersionAndNoCreatedTime() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("org.opencontainers.image.revision", "abc123");
        expected.put("org.opencontainers.image.source", "http://bitbucket.org/team/repo");
        expected.put("org.opencontainers.image.version", "1.4.0");
        expected.put("org.opencontainers.image.ref.name", "main");
        assertEquals(expected, ImageLabels.of(settings(Map.of()), List.of(new Tag("latest"), new Tag("1.4.0"),
                new Tag("1.4"))));
    }

    @Test
    void theUsersLabelsWin() {
        Map<String, String> labels = ImageLabels.of(settings(Map.of("org.opencontainers.image.version", "mine",
                "team", "payments")), List.of(new Tag("1.0")));
        assertEquals("mine", labels.get("org.opencontainers.image.version"));
        assertEquals("payments", labels.get("team"));
    }

    @Test
    void withoutACommitNoOciLabelAtAllOnlyTheUsers() {
        BuildSettings noCommit = new BuildSettings(Optional.empty(), List.of(), Optional.empty(), Map.of("team", "x"),
                false, false, new BuildSettings.Commit(Optional.empty(), Optional.of("http://bitbucket.org/t/r"),
                Optional.of("main")));
        assertEquals(Map.of("team", "x"), ImageLabels.of(noCommit, List.of(new Tag("1.0"))));
    }

    @Test
    void nothingKnownOnlyLatest() {
        assertEquals(Map.of(), ImageLabels.of(BuildSettings.NONE, List.of(new Tag("latest"))));
    }
}
