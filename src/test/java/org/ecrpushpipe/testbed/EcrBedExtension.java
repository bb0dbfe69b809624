package org.ecrpushpipe.testbed;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests an {@link EcrBed} (engine, fresh registry, ECR stand-in), one per test class, closed after the
 * class. Fails, never skips, when a component is missing.
 */
public final class EcrBedExtension implements ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(EcrBedExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EcrBed.class;
    }

    @Override
    public EcrBed resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return TestClassScope.of(context).getStore(NAMESPACE).computeIfAbsent(EcrBed.class, key -> {
            try {
                return EcrBed.start();
            } catch (Exception e) {
                throw new ParameterResolutionException("Could not start the test bed: " + e.getMessage()
                        + " (run the tests with `bash test/run-tests.sh`, which installs and starts what they need)", e);
            }
        }, EcrBed.class);
    }
}
