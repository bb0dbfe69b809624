package org.ecrpushpipe.testbed;

import org.junit.jupiter.api.extension.ExtensionContext;

/** Finds the context of the test class a parameter is resolved for, so resources live as long as the class. */
final class TestClassScope {
    private TestClassScope() {
    }

    static ExtensionContext of(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent()) {
            current = current.getParent().orElseThrow();
        }
        if (current.getTestClass().isEmpty()) {
            throw new IllegalStateException("the test bed's extensions serve test classes, not " + context.getUniqueId());
        }
        return current;
    }
}
