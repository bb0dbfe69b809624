package org.ecrpushpipe.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TagTest {

    @ParameterizedTest
    @ValueSource(strings = {"latest", "1.0.0", "ecr-release-0.1.0", "_x", "A_b.c-d"})
    void validTags(String value) {
        assertEquals(value, new Tag(value).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"feature/x", ".hidden", "-dash", "a b", "a:b", "ü"})
    void invalidTags(String value) {
        assertFalse(Tag.isValid(value));
        assertThrows(IllegalArgumentException.class, () -> new Tag(value));
    }

    @Test
    void lengthLimitIs128() {
        assertTrue(Tag.isValid("a".repeat(128)));
        assertFalse(Tag.isValid("a".repeat(129)));
        assertTrue(Tag.describeProblem("a".repeat(129)).contains("129 characters long"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "feature/login-page, feature-login-page",
            "release/1.2, release-1.2",
            "-weird/.branch, weird-.branch",
            "ecr-release-0.1.0, ecr-release-0.1.0",
            "user@host#x, user-host-x",
    })
    void gitRefsBecomeTags(String ref, String tag) {
        assertEquals(tag, Tag.fromGitRef(ref).value());
    }

    @Test
    void longBranchIsCutTo128() {
        assertEquals("b".repeat(128), Tag.fromGitRef("b".repeat(200)).value());
        assertNull(Tag.fromGitRef("..."));
    }
}
