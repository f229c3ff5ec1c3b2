package io.backchannel.standalone.reliability;

import io.backchannel.standalone.Api;
import io.backchannel.standalone.StandaloneApplication;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The standalone server as a separate operating-system process, so it can be killed the hard way. It runs
 * this test JVM's own classpath ({@code java -cp ... StandaloneApplication}: the test phase runs before the
 * jar is packaged), on a fixed port and data directory, so a restart finds the same data where clients
 * expect it. Its output goes to a log file beside the data.
 */
final class ServerProcess {

    /** Server processes still running, killed if this JVM exits before the test could (a crash, a timeout). */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "kill-server-processes"));
    }

    private final Path dataDir;
    private final int port;
    private final Path log;
    private final List<String> extraArgs;
    private Process process;

    private ServerProcess(Path dataDir, int port, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.port = port;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + "-server.log");
        this.extraArgs = List.copyOf(extraArgs);
    }

    static ServerProcess on(Path dataDir, String... extraArgs) {
        return new ServerProcess(dataDir, freePort(), List.of(extraArgs));
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    Path log() {
        return log;
    }

    /** Starts the process; {@link #awaitUp} tells when it serves. */
    ServerProcess start() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-Daxoniq.update-checker.disabled=true", "-Ddisable-axoniq-console-message=true",
                "-cp", System.getProperty("java.class.path"),
                StandaloneApplication.class.getName(),
                "--server.port=" + port,
                "--backchannel.data-dir=" + dataDir,
                "--backchannel.rate-limit.enabled=false",
                "--logging.level.root=WARN"));
        command.addAll(extraArgs);
        try {
            Files.createDirectories(dataDir);
            process = new ProcessBuilder(command)
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            RUNNING.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Until {@code /actuator/health} answers UP (event store, projections and boot cache all ready). */
    void awaitUp(Api client, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .failFast("the server process exited", () -> !process.isAlive())
                .until(() -> "UP".equals(client.get("/actuator/health", null).body().path("status").asText()));
    }

    /**
     * Kills the process with SIGKILL ({@link Process#destroyForcibly()} on Linux): no shutdown hook, no flush,
     * no graceful anything. Answers the exit status, 137 (128 + 9) for a process killed by SIGKILL.
     */
    int kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server process did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        RUNNING.remove(process);
        return process.exitValue();
    }

    /** Waits for the process to end by itself, and answers its exit status; kills it if it does not. */
    int awaitExit(Duration atMost) {
        try {
            if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                String output = tail(40);
                kill();
                throw new AssertionError("the server process was still running after " + atMost + ":\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        RUNNING.remove(process);
        return process.exitValue();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The last lines of the server's output, for a failure message. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
