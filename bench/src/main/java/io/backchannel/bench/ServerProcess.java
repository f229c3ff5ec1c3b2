package io.backchannel.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The standalone server as a child process: a fresh temporary data directory, a free loopback port,
 * ready once {@code /actuator/health} says UP, and stopped (then its data deleted) at the end.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final String url;

    private ServerProcess(Process process, Path dataDir, Path log, String url) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.url = url;
    }

    /**
     * The bench's own server arguments with the user's {@code --key=value} ones after them, each key once:
     * Spring joins a property given twice into one list ({@code false,true}), which a flag cannot take.
     */
    static List<String> overriding(List<String> defaults, List<String> overrides) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String arg : defaults) {
            byKey.put(key(arg), arg);
        }
        for (String arg : overrides) {
            byKey.remove(key(arg));
            byKey.put(key(arg), arg);
        }
        return List.copyOf(byKey.values());
    }

    private static String key(String arg) {
        int equals = arg.indexOf('=');
        return equals < 0 ? arg : arg.substring(0, equals);
    }

    static ServerProcess start(Path jar, List<String> jvmArgs, List<String> serverArgs) {
        try {
            return launch(jar, jvmArgs, serverArgs);
        } catch (IOException e) {
            throw new BenchException("cannot start the server: " + e);
        }
    }

    private static ServerProcess launch(Path jar, List<String> jvmArgs, List<String> serverArgs) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new BenchException("no server jar at " + jar.toAbsolutePath()
                    + " (build it: ./mvnw -B -o -q package -DskipTests -pl standalone -am, or pass --jar / --url)");
        }
        int port = freePort();
        Path dataDir = Files.createTempDirectory("backchannel-bench-");
        Path log = dataDir.resolve("server.log");
        // a private copy: another build may replace the jar while this server runs, which breaks class loading
        Path copy = dataDir.resolve("server.jar");
        Files.copy(jar, copy);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Daxoniq.update-checker.disabled=true");
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(copy.toAbsolutePath().toString());
        command.add("--server.port=" + port);
        command.add("--server.address=127.0.0.1");
        command.add("--backchannel.data-dir=" + dataDir.resolve("data"));
        command.addAll(serverArgs);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        String url = "http://127.0.0.1:" + port;
        ServerProcess server = new ServerProcess(process, dataDir, log, url);
        System.out.printf("starting server pid %d on %s (jar %s of %s, data %s)%n", process.pid(), url, jar,
                Files.getLastModifiedTime(jar), dataDir);
        long started = System.nanoTime();
        try {
            server.awaitHealthy(Duration.ofMinutes(3));
        } catch (RuntimeException e) {
            server.dumpLogTail(60);
            server.close();
            throw e;
        }
        System.out.printf("server up after %.1f s%n", (System.nanoTime() - started) / 1e9);
        return server;
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** CPU time the server process has used so far, in nanoseconds (or -1 if unknown). */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private void awaitHealthy(Duration atMost) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new BenchException("server exited with " + process.exitValue() + " before it was healthy; log: " + log);
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/health"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted");
            }
            Client.sleep(250);
        }
        throw new BenchException("server not healthy after " + atMost.toSeconds() + " s; log: " + log);
    }

    void dumpLogTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            System.out.println("---- server log (last " + lines + " lines) ----");
            all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.out::println);
            System.out.println("----");
        } catch (IOException e) {
            System.out.println("(no server log: " + e.getMessage() + ")");
        }
    }

    /** Keeps a copy of the server's log (the data directory goes away on close). */
    Path keepLog(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(name);
            Files.copy(log, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            return null;
        }
    }

    void printLog() {
        dumpLogTail(Integer.MAX_VALUE);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: Spring's graceful shutdown
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        deleteQuietly(dataDir);
    }

    /** Kills without a graceful shutdown (watchdog, Ctrl-C), then removes the data directory. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteQuietly(dataDir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
