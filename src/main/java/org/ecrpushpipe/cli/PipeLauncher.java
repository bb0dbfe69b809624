package org.ecrpushpipe.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.ecrpushpipe.config.ConfigReader;
import org.ecrpushpipe.config.Variable;
import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.errors.PipeException;

import picocli.CommandLine;

/**
 * Runs the pipe for an environment map, a working directory and an output stream, and returns the exit code.
 * {@link Main} calls it with the process' own; tests call it with theirs.
 */
public final class PipeLauncher {
    /** Context variables whose values are secret even though the pipe does not read them. */
    private static final List<String> OTHER_SECRETS = List.of("BITBUCKET_STEP_OIDC_TOKEN");

    private PipeLauncher() {
    }

    public static int launch(String[] args, Map<String, String> env, Path workingDirectory, PrintStream out) {
        Console console = new Console(out, ConfigReader.colorRequested(env), ConfigReader.debugRequested(env));
        for (Variable variable : Variable.values()) {
            if (variable.secret()) {
                variable.names().forEach(name -> console.addSecret(trim(env.get(name))));
            }
        }
        OTHER_SECRETS.forEach(name -> console.addSecret(trim(env.get(name))));

        CommandLine commandLine = new CommandLine(new PushCommand(env, workingDirectory, console));
        commandLine.setOut(console.writer());
        commandLine.setErr(console.writer());
        commandLine.getCommandSpec().usageMessage().footer(variablesHelp());
        commandLine.setParameterExceptionHandler((error, arguments) -> new ErrorReporter(console).report(
                new PipeException.Configuration(List.of(new PipeException.Configuration.Problem("arguments",
                        error.getMessage() + "; the pipe takes no arguments but --help and --version,"
                                + " it is configured with variables")))));
        return commandLine.execute(args);
    }

    private static String trim(String value) {
        return value == null ? null : value.trim();
    }

    /** The variables, from the registry, for --help. */
    static String variablesHelp() {
        return "%nVariables (environment):%n" + java.util.Arrays.stream(Variable.values())
                .map(v -> String.format("  %-22s %s%s%s%n", String.join(" | ", v.names()),
                        v.need() == Variable.Need.OPTIONAL ? "" : "(required) ",
                        v.description().replace("%", "%%"),
                        v.defaultValue() == null ? "" : " Default: " + v.defaultValue().replace("%", "%%") + "."))
                .collect(Collectors.joining());
    }
}
