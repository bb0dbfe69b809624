package org.ecrpushpipe.cli;

import java.nio.file.Path;

import org.ecrpushpipe.console.Console;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point, and the only code that reads the process environment: it hands the environment, the working
 * directory and a UTF-8 standard output to {@link PipeLauncher}.
 */
@QuarkusMain
public class Main implements QuarkusApplication {
    @Override
    public int run(String... args) {
        return PipeLauncher.launch(args, System.getenv(), Path.of("").toAbsolutePath(), Console.utf8Stdout());
    }
}
