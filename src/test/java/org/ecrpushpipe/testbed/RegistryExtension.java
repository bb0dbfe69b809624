package org.ecrpushpipe.testbed;

import java.io.IOException;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a fresh, empty {@link RegistryProcess} (a real registry with password auth on a free port of
 * 127.0.0.1), one per test class, stopped and removed after the class. Resolves parameters of type
 * {@code RegistryProcess} in constructors, lifecycle methods and test methods. Fails (never skips) when the
 * registry cannot be started, e.g. because Debian's {@code docker-registry} is not installed.
 */
public final class RegistryExtension implements ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(RegistryExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RegistryProcess.class;
    }

    @Override
    public RegistryProcess resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // The store closes AutoCloseable values when the class's context closes, i.e. after the class.
        return TestClassScope.of(context).getStore(NAMESPACE)
                .computeIfAbsent(RegistryProcess.class, key -> start(), RegistryProcess.class);
    }

    private static RegistryProcess start() {
        try {
            return RegistryProcess.start();
        } catch (IOException | RuntimeException e) {
            throw new ParameterResolutionException("Could not start the test registry: " + e.getMessage()
                    + " (run the tests with `bash test/run-tests.sh`, which installs what they need)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParameterResolutionException("Interrupted while starting the test registry", e);
        }
    }
}
