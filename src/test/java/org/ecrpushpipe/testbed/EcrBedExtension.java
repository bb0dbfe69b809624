package org.ecrpushpipe.testbed;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests an {@link EcrBed} (engine, fresh registry, ECR stand-in), an {@link EcrRegionsBed} (the same with
 * three regions of one account), an {@link EcrAccountsBed} (two accounts in one region) or an {@link EcrEndpointsBed}
 * (the AWS partitions' endpoints, without an endpoint override), one per test class, closed after the class; a class
 * takes one of them (two would serve the home region's registry host at once). Fails, never skips, when a component
 * is missing.
 */
public final class EcrBedExtension implements ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(EcrBedExtension.class);

    /** How to start a bed of one kind. */
    private interface Start {
        AutoCloseable start() throws Exception;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == EcrBed.class || type == EcrRegionsBed.class || type == EcrAccountsBed.class
                || type == EcrEndpointsBed.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Start start = type == EcrBed.class ? EcrBed::start : type == EcrRegionsBed.class ? EcrRegionsBed::start
                : type == EcrAccountsBed.class ? EcrAccountsBed::start : EcrEndpointsBed::start;
        return TestClassScope.of(context).getStore(NAMESPACE).computeIfAbsent(type, key -> {
            try {
                return start.start();
            } catch (Exception e) {
                throw new ParameterResolutionException("Could not start the test bed: " + e.getMessage()
                        + " (run the tests with `bash test/run-tests.sh`, which installs and starts what they need)", e);
            }
        });
    }
}
