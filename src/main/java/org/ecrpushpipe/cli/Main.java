package org.ecrpushpipe.cli;

import java.nio.file.Path;

import org.ecrpushpipe.console.Console;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point, and the only code that reads the process environment: it hands the environment, the working
 * directory and a UTF-8 standard output to {@link PipeLauncher}.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    /**
     * Starts Quarkus with its own output switched off. Quarkus also reads its settings from a {@code .env} file in
     * the working directory, which for a pipe is the user's clone; system properties outrank that file, so no
     * banner, log line or log file of the framework's can appear whatever the clone holds.
     */
    public static void main(String... args) {
        System.setProperty("quarkus.banner.enabled", "false");
        System.setProperty("quarkus.log.console.enable", "false");
        System.setProperty("quarkus.log.file.enable", "false");
        System.setProperty("quarkus.log.syslog.enable", "false");
        Quarkus.run(Main.class, args);
    }

    @Override
    public int run(String... args) {
        return PipeLauncher.launch(args, System.getenv(), Path.of("").toAbsolutePath(), Console.utf8Stdout());
    }
}
