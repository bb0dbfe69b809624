package org.ecrpushpipe.scenarios;

import java.nio.file.Path;
import java.util.Map;

/**
 * A {@link Launcher} whose runs can also be started in the background and stopped the way Bitbucket stops a step
 * (SIGTERM): the packaged jar and the image. The in-process launcher cannot be one, since a signal would stop the
 * test's own JVM.
 */
public interface StoppableLauncher extends Launcher {

    /** Starts the pipe with the step's {@code variables} in {@code clone} and returns at once. */
    RunningPipe start(Map<String, String> variables, Path clone);
}
