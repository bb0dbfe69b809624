package org.ecrpushpipe.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ecrpushpipe.config.Tag;
import org.junit.jupiter.api.Test;

class DigestAndReferenceTest {

    @Test
    void digestsHaveTheOciForm() {
        String hex = "0123456789abcdef".repeat(4);
        assertEquals("sha256:" + hex, Digest.of("sha256:" + hex).toString());
        for (String bad : new String[] {"", "sha256", "sha256:", ":abc", "SHA256:abc", "sha256:ab c", "sha256:a\nb"}) {
            assertThrows(IllegalArgumentException.class, () -> Digest.of(bad), bad);
        }
    }

    @Test
    void aReferenceIsPutTogetherInOnePlace() {
        ImageReference reference = new ImageReference("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "team/app",
                new Tag("1.0"));
        assertEquals("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app", reference.repositoryUri());
        assertEquals("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.0", reference.toString());
        assertEquals("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:latest",
                reference.withTag(new Tag("latest")).toString());
    }
}
