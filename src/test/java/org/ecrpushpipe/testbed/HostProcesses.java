package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The processes of this machine whose command line holds a token, such as a build step's shell
 * ({@code /bin/sh -c echo <token> && sleep 30}): a RUN step of either builder is a process of the machine, whether in a
 * container of the engine (the classic builder) or in one BuildKit runs itself, which {@code docker ps} never shows.
 * Tokens are random, so other runs on the machine never match.
 */
public final class HostProcesses {
    private HostProcesses() {
    }

    /** Each process whose command line holds {@code token}, as {@code pid: command line}; never this JVM. */
    public static List<String> mentioning(String token) {
        List<String> found = new ArrayList<>();
        String self = Long.toString(ProcessHandle.current().pid());
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String command = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (command.contains(token) && !process.getFileName().toString().equals(self)) {
                        found.add(process.getFileName() + ": " + command);
                    }
                } catch (IOException gone) {
                    // the process ended while the list was read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list /proc", e);
        }
        return found;
    }

    /** Waits up to {@code timeout} until no process mentions {@code token}; returns those still there then. */
    public static List<String> awaitNoneMentioning(String token, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> left = mentioning(token);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            left = mentioning(token);
        }
        return left;
    }
}
