package org.ecrpushpipe.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Finds every process started under a test, however it was started: the test puts a variable with a random value
 * into the environment of the first process, every descendant inherits it, and it stays in
 * {@code /proc/PID/environ} even after a process has left its session, was re-parented to init, or forked itself
 * into the background. Signals only the processes it found, by PID.
 */
final class MarkedProcesses {
    /** One process found: its PID, the start time the kernel recorded (to tell a reused PID), its command line. */
    record Found(long pid, String startTime, String commandLine) {
        /** The command's file name, e.g. {@code dockerd}. */
        String command() {
            String first = commandLine.split(" ", 2)[0];
            return first.substring(first.lastIndexOf('/') + 1);
        }

        boolean stillRunning() {
            return startTime.equals(startTimeOf(pid));
        }
    }

    private final String name;
    private final String value;

    private MarkedProcesses(String name, String value) {
        this.name = name;
        this.value = value;
    }

    /** A fresh mark ({@code NAME=<random>}); put {@link #variable()} = {@link #value()} into the first process's environment. */
    static MarkedProcesses create(String name) {
        return new MarkedProcesses(name, UUID.randomUUID().toString());
    }

    String variable() {
        return name;
    }

    String value() {
        return value;
    }

    /** The processes that carry the mark right now. */
    List<Found> running() throws IOException {
        byte[] mark = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : proc) {
                byte[] environ;
                try {
                    environ = Files.readAllBytes(dir.resolve("environ"));
                } catch (IOException gone) {
                    continue; // ended meanwhile, or a kernel thread
                }
                if (containsEntry(environ, mark)) {
                    long pid = Long.parseLong(dir.getFileName().toString());
                    String start = startTimeOf(pid);
                    if (start != null) {
                        found.add(new Found(pid, start, commandLineOf(pid)));
                    }
                }
            }
        }
        return found;
    }

    /** Waits up to {@code seconds} for every one of {@code processes} to end; returns those still running. */
    static List<Found> awaitEnd(List<Found> processes, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Found> left = processes.stream().filter(Found::stillRunning).toList();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = left.stream().filter(Found::stillRunning).toList();
        }
        return left;
    }

    /** Stops what a failed test left running: SIGTERM, then SIGKILL after 20 s, each by PID and only while the PID is still that process. */
    static void stop(List<Found> processes) throws InterruptedException {
        processes.stream().filter(Found::stillRunning).forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy));
        for (Found p : awaitEnd(processes, 20)) {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean containsEntry(byte[] environ, byte[] entry) {
        String wanted = new String(entry, StandardCharsets.ISO_8859_1);
        for (String variable : new String(environ, StandardCharsets.ISO_8859_1).split("\0")) {
            if (variable.equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null when the process is gone. */
    static String startTimeOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces and parentheses: count fields after its closing ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return fields[22 - 3];
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    private static String commandLineOf(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').trim();
        } catch (IOException gone) {
            return "(gone)";
        }
    }
}
