package org.ecrpushpipe.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.ecrpushpipe.config.ConfigReader;
import org.ecrpushpipe.config.Variable;
import org.ecrpushpipe.config.VariableGroup;
import org.ecrpushpipe.console.Console;
import org.ecrpushpipe.docker.Cancellation;
import org.ecrpushpipe.errors.ExitCode;
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
        return launch(args, env, workingDirectory, out, new Cancellation());
    }

    /**
     * @param run cancelled from outside (SIGTERM) to stop the run: the build or push in progress is abandoned, the
     *            failure is reported, and this returns
     */
    public static int launch(String[] args, Map<String, String> env, Path workingDirectory, PrintStream out,
                             Cancellation run) {
        Console console = new Console(out, ConfigReader.colorRequested(env), ConfigReader.debugRequested(env));
        for (Variable variable : Variable.values()) {
            if (variable.secret()) {
                variable.names().forEach(name -> console.addSecret(trim(env.get(name))));
            }
        }
        OTHER_SECRETS.forEach(name -> console.addSecret(trim(env.get(name))));

        PushCommand push = new PushCommand(env, workingDirectory, console, run);
        if (args.length == 0) {
            // A pipe's every run: nothing to parse, and the command reports its own failures. Picocli is then not
            // loaded at all; its Java 5 class files are ones the JVM's AOT cache cannot hold, so loading them
            // cold (with the old verifier) was the largest part of the pipe's start-up.
            return push.call();
        }
        CommandLine commandLine = new CommandLine(push);
        commandLine.addSubcommand("policy", new PolicyCommand(env, workingDirectory, console));
        commandLine.setOut(console.writer());
        commandLine.setErr(console.writer());
        commandLine.getCommandSpec().usageMessage().footer(variablesHelp());
        commandLine.setParameterExceptionHandler((error, arguments) -> new ErrorReporter(console).report(
                new PipeException.Configuration(List.of(new PipeException.Configuration.Problem("arguments",
                        error.getMessage() + "; the pipe takes no arguments but --help, --version and"
                                + " the policy subcommand, it is configured with variables")))));
        return commandLine.execute(args);
    }

    private static String trim(String value) {
        return value == null ? null : value.trim();
    }

    /** Width of --help; lines are wrapped at spaces only, so no name or address is ever cut. */
    static final int HELP_WIDTH = 80;

    /** The pipe's repository, where Bitbucket shows README.md: pipe.yml's {@code repository:} (a test keeps them equal). */
    static final String REPOSITORY = "https://bitbucket.org/org/ecr-push-pipe";

    /** The branch whose docs/ pages --help links to: the one every release is made from. */
    static final String BRANCH = "main";

    /**
     * The variables (from the registry), the exit codes, an example, and last a link to the README section or docs/
     * page of each group of variables, for --help.
     */
    static String variablesHelp() {
        StringBuilder help = new StringBuilder("%nVariables (environment):%n");
        for (Variable v : Variable.values()) {
            help.append("  ").append(String.join(" | ", v.names()))
                    .append(v.need() == Variable.Need.OPTIONAL ? "" : " (required)").append("%n");
            wrap(help, v.description(), "      ");
            if (v.defaultValue() != null) {
                wrap(help, "Default: " + v.defaultValue(), "      ");
            }
        }
        help.append("%nExit codes:%n");
        for (ExitCode code : ExitCode.values()) {
            wrap(help, code.code() + "  " + code.meaning(), "  ", "     ");
        }
        help.append("%nExample (the pipe's image run by hand, in the directory to build):%n")
                .append("  docker run --rm -e AWS_KEY -e AWS_SECRET \\%n")
                .append("    -e IMAGE=123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/my-service \\%n")
                .append("    -e TAGS='1.0.0 latest' -v \"$PWD:$PWD\" -w \"$PWD\" \\%n")
                .append("    -v /var/run/docker.sock:/var/run/docker.sock org/ecr-push-pipe:")
                .append(new PipeVersion().version()).append("%n");
        // Each address on a line of its own, unindented: the longest stays within HELP_WIDTH and whole, so a
        // terminal can open it.
        help.append("%nMore in README.md and docs/, a section or page for each group of variables:%n");
        for (VariableGroup group : VariableGroup.values()) {
            wrap(help, group.title() + ":", "", "  ");
            help.append(documentationLink(group).replace("%", "%%")).append("%n");
        }
        return help.toString();
    }

    /**
     * The address of a group's documentation as Bitbucket shows it: README.md on the repository's front page, a page
     * of docs/ under {@code src/<branch>/}. Bitbucket names a heading's anchor {@code markdown-header-} followed by
     * Python-Markdown's slug of its text (letters and digits kept, lower case, runs of spaces and dashes one dash).
     */
    static String documentationLink(VariableGroup group) {
        String page = group.page().equals(VariableGroup.README) ? REPOSITORY
                : REPOSITORY + "/src/" + BRANCH + "/" + group.page();
        return group.heading().map(heading -> page + "#markdown-header-" + slug(heading)).orElse(page);
    }

    private static String slug(String heading) {
        String ascii = Normalizer.normalize(heading, Normalizer.Form.NFKD).replaceAll("[^\\p{ASCII}]", "");
        return ascii.replaceAll("[^\\w\\s-]", "").strip().toLowerCase(Locale.ROOT).replaceAll("[-\\s]+", "-");
    }

    private static void wrap(StringBuilder out, String text, String indent) {
        wrap(out, text, indent, indent);
    }

    /** Word-wraps {@code text} (escaping % for Picocli's format), the first line after {@code first}. */
    static void wrap(StringBuilder out, String text, String first, String rest) {
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (String word : text.split(" ")) {
            if (!empty && line.length() + 1 + word.length() > HELP_WIDTH) {
                out.append(line.toString().replace("%", "%%")).append("%n");
                line = new StringBuilder(rest);
                empty = true;
            }
            line.append(empty ? "" : " ").append(word);
            empty = false;
        }
        out.append(line.toString().replace("%", "%%")).append("%n");
    }
}
