package org.ecrpushpipe.testbed;

import java.io.IOException;

import org.ecrpushpipe.standin.EcrStandIn;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests an {@link EcrStandIn} (default account and region, no engine) in front of a fresh real registry, one
 * per test class, closed after the class; and that {@link RegistryProcess}, for tests that read, kill or restart
 * the registry behind it. Resolves parameters of either type. Fails, never skips, when the registry cannot start.
 */
public final class StandInExtension implements ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(StandInExtension.class);

    /** The pair, closed together (the stand-in first). */
    private record Started(RegistryProcess registry, EcrStandIn standIn) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try (registry; standIn) {
                // closes both
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == EcrStandIn.class || type == RegistryProcess.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Started started = TestClassScope.of(context).getStore(NAMESPACE)
                .computeIfAbsent(Started.class, key -> start(), Started.class);
        return parameter.getParameter().getType() == EcrStandIn.class ? started.standIn() : started.registry();
    }

    private static Started start() {
        try {
            RegistryProcess registry = RegistryProcess.start();
            try {
                return new Started(registry, EcrStandIn.builder()
                        .registry(registry.url(), registry.username(), registry.password()).start());
            } catch (IOException | RuntimeException e) {
                registry.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            throw new ParameterResolutionException("Could not start the ECR stand-in and its registry: " + e.getMessage()
                    + " (run the tests with `bash test/run-tests.sh`, which installs what they need)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParameterResolutionException("Interrupted while starting the test registry", e);
        }
    }
}
