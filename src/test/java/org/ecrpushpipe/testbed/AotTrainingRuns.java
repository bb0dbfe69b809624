package org.ecrpushpipe.testbed;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The training run of the pipe image's AOT cache ({@code test/build-image.sh}): several runs of the pipe in one JVM,
 * so that the cache, which the JVM writes from one process, holds the classes of every path a common run takes,
 * not only those of one push.
 *
 * <p>The first run is the image's own start-up (Quarkus' entry point, the pipe's main, the process environment);
 * each further run calls the pipe's launcher with the process environment plus its own variables, in the working
 * directory it names. Runs are given as arguments, each {@code --run DIR NAME=VALUE…}; a {@code --delete-image REF}
 * before a run removes that image from the engine at {@code DOCKER_HOST} first, so the run must pull it (the
 * registry cache). Secrets stay in the environment, named by the variables ({@code BUILD_SECRETS}'s {@code env=}).
 * Exits non-zero when a run fails.
 *
 * <pre>
 * java [the image's flags] -XX:AOTCacheOutput=app.aot -cp /app/quarkus-run.jar:training.jar \
 *     org.ecrpushpipe.testbed.AotTrainingRuns --run DIR1 --run DIR2 BUILDER=classic …
 * </pre>
 *
 * Only the JDK and the pipe's own jar: it runs in the pipe's image, on its trimmed runtime, and reaches the pipe's
 * classes through the class loader the image's entry point makes, as a real run does. Appending this jar to the
 * class path keeps the cache valid for {@code -jar /app/quarkus-run.jar}, whose class path is a prefix of this one.
 */
public final class AotTrainingRuns {
    private AotTrainingRuns() {
    }

    /** One run: its working directory, its variables, and an image to remove from the engine before it. */
    private record Run(Path directory, Map<String, String> variables, List<String> deleteFirst) {
    }

    public static void main(String[] args) throws Throwable {
        List<Run> runs = parse(args);
        if (runs.isEmpty()) {
            System.err.println("usage: AotTrainingRuns [--delete-image REF] --run DIR [NAME=VALUE…] …");
            System.exit(2);
        }
        // what the image's entry point (QuarkusEntryPoint) sets before it starts the application
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        System.setProperty("java.util.concurrent.ForkJoinPool.common.threadFactory",
                "io.quarkus.bootstrap.forkjoin.QuarkusForkJoinWorkerThreadFactory");
        // the application's directory: that of quarkus-run.jar, the first entry of the class path
        Path appRoot = Path.of(System.getProperty("java.class.path").split(File.pathSeparator)[0])
                .toAbsolutePath().getParent();
        Object application;
        try (InputStream in = Files.newInputStream(appRoot.resolve("quarkus/quarkus-application.dat"))) {
            application = Class.forName("io.quarkus.bootstrap.runner.SerializedApplication")
                    .getMethod("read", InputStream.class, Path.class).invoke(null, in, appRoot);
        }
        ClassLoader loader = (ClassLoader) application.getClass().getMethod("getRunnerClassLoader").invoke(application);
        String mainClass = (String) application.getClass().getMethod("getMainClass").invoke(application);
        Thread.currentThread().setContextClassLoader(loader);

        List<Integer> codes = new ArrayList<>();
        // Quarkus ends a command-mode application with System.exit; here it hands over the exit code instead
        Consumer<Integer> exitCode = codes::add;
        loader.loadClass("io.quarkus.runtime.ApplicationLifecycleManager")
                .getMethod("setDefaultExitCodeHandler", Consumer.class).invoke(null, exitCode);

        Run first = runs.get(0);
        if (!first.variables().isEmpty() || !first.directory().toAbsolutePath().normalize().equals(Path.of("").toAbsolutePath())) {
            throw new IllegalArgumentException("the first run is the image's own: the process environment in the"
                    + " working directory (--run . without variables)");
        }
        String dockerHost = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        first.deleteFirst().forEach(reference -> deleteImage(dockerHost, reference));
        invoke(loader.loadClass(mainClass).getMethod("main", String[].class), (Object) new String[0]);
        report(1, codes.isEmpty() ? -1 : codes.get(codes.size() - 1));

        Method launch = loader.loadClass("org.ecrpushpipe.cli.PipeLauncher").getMethod("launch", String[].class,
                Map.class, Path.class, PrintStream.class);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        for (int i = 1; i < runs.size(); i++) {
            Run run = runs.get(i);
            run.deleteFirst().forEach(reference -> deleteImage(dockerHost, reference));
            Map<String, String> env = new HashMap<>(System.getenv());
            env.putAll(run.variables());
            out.println("aot-training: run " + (i + 1) + " in " + run.directory() + " " + run.variables());
            int code = (Integer) invoke(launch, new String[0], env, run.directory().toAbsolutePath(), out);
            report(i + 1, code);
        }
        System.exit(0);
    }

    private static void report(int run, int code) {
        if (code != 0) {
            System.err.println("aot-training: run " + run + " ended with exit code " + code);
            System.exit(1);
        }
    }

    private static Object invoke(Method method, Object... args) throws Throwable {
        try {
            return method.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static List<Run> parse(String[] args) {
        List<Run> runs = new ArrayList<>();
        List<String> delete = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--delete-image" -> delete.add(args[++i]);
                case "--run" -> {
                    Path directory = Path.of(args[++i]);
                    Map<String, String> variables = new HashMap<>();
                    while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        String item = args[++i];
                        int eq = item.indexOf('=');
                        if (eq < 1) {
                            throw new IllegalArgumentException("not NAME=VALUE: " + item);
                        }
                        variables.put(item.substring(0, eq), item.substring(eq + 1));
                    }
                    runs.add(new Run(directory, variables, List.copyOf(delete)));
                    delete.clear();
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        return runs;
    }

    /** {@code DELETE /images/REF?force=1} on the engine at {@code dockerHost} (tcp:// or unix://); 404 is fine. */
    private static void deleteImage(String dockerHost, String reference) {
        String request = "DELETE /images/" + reference.replace("/", "%2F") + "?force=1 HTTP/1.0\r\nHost: docker\r\n\r\n";
        try {
            URI uri = URI.create(dockerHost);
            String status;
            if ("unix".equals(uri.getScheme())) {
                try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(uri.getPath()))) {
                    channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                    status = firstLine(Channels.newInputStream(channel));
                }
            } else {
                try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(request.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    status = firstLine(socket.getInputStream());
                }
            }
            if (!status.contains(" 200 ") && !status.contains(" 404 ")) {
                throw new IllegalStateException("the engine did not remove " + reference + ": " + status);
            }
            System.out.println("aot-training: removed " + reference + " from the engine (" + status.trim() + ")");
        } catch (IOException e) {
            throw new IllegalStateException("the engine at " + dockerHost + " did not answer: " + e, e);
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        in.transferTo(OutputStream.nullOutputStream());
        return line.toString(StandardCharsets.US_ASCII);
    }
}
