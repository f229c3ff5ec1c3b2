package io.backchannel.bench;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/** What a scenario runs against: the options, the server (owned or not), a REST client. */
final class Ctx {

    final Options options;
    final String url;
    final ServerProcess server;
    final Client client;
    final Path resultsDir;
    final String runId;
    final Duration setupTimeout;
    final int setupConcurrency;

    Ctx(Options options, String url, ServerProcess server, Client client) {
        this.options = options;
        this.url = url;
        this.server = server;
        this.client = client;
        this.resultsDir = Path.of(options.string("results-dir"));
        this.runId = randomId();
        this.setupTimeout = options.duration("setup-timeout");
        this.setupConcurrency = options.integer("setup-concurrency");
    }

    private static String randomId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder out = new StringBuilder("b");
        for (int i = 0; i < 6; i++) {
            out.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return out.toString();
    }

    boolean ownsServer() {
        return server != null;
    }

    /** CPU used so far by the server (if owned) and by this bench process, in nanoseconds, and the time. */
    long[] cpu() {
        long own = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        return new long[]{server == null ? -1 : server.cpuNanos(), own, System.nanoTime()};
    }

    /** Adds the CPU share of server and bench between two {@link #cpu()} marks (in cores busy, of nproc). */
    void cpuFigures(Report report, long[] before, long[] after) {
        long windowNanos = Math.max(1, after[2] - before[2]);
        int cores = Runtime.getRuntime().availableProcessors();
        if (before[0] >= 0 && after[0] >= 0) {
            double serverCores = (after[0] - before[0]) / (double) windowNanos;
            report.figure("serverCpuCores", "server CPU (cores busy, of " + cores + ")", round2(serverCores));
        }
        double benchCores = (after[1] - before[1]) / (double) windowNanos;
        report.figure("benchCpuCores", "bench client CPU (cores busy, of " + cores + ")", round2(benchCores));
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load >= 0) {
            report.figure("loadAverage", "machine load average (1 min, all processes)", round2(load));
        }
    }

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** {@link #profiled(String, Report, Duration, Supplier)} with the window open from the start. */
    <T> T profiled(String name, Report report, Supplier<T> measured) {
        return profiled(name, report, Duration.ZERO, measured);
    }

    /**
     * Runs {@code run} and measures a window of it: the server's timers, heap and projection lag, its CPU per
     * thread, and the profilers asked for ({@code --jfr}, {@code --async-profiler}). The window opens once
     * {@code warmup} has passed and closes when {@code run} returns, so a scenario whose load warms up the
     * server before it is measured reports the measured part only.
     */
    <T> T profiled(String name, Report report, Duration warmup, Supplier<T> run) {
        lastMetrics = null;
        lastThreadCpu = null;
        Window window = new Window(name);
        Disposable opening;
        if (warmup.isZero()) {
            window.open();
            opening = Disposables.disposed();
        } else {
            opening = Mono.delay(warmup, Schedulers.boundedElastic()).subscribe(tick -> window.open());
        }
        try {
            return run.get();
        } finally {
            opening.dispose();
            window.close(report);
        }
    }

    private Map<String, Double> lastThreadCpu;

    private ServerMetrics lastMetrics;

    /**
     * The server's own timers for the last measured window, into the report, with the heap it allocated per
     * {@code operation}, of which the window held {@code operations}.
     */
    void serverFigures(Report report, long operations, String operation) {
        if (lastMetrics != null) {
            lastMetrics.figures(report, operations, operation);
        }
        if (lastThreadCpu != null && !lastThreadCpu.isEmpty()) {
            report.section("server CPU by thread group (cores busy, /proc, whole measured window)");
            lastThreadCpu.forEach((k, v) -> report.row(k, String.format("%.2f", v)));
            report.put("serverThreadCpuCores", lastThreadCpu);
        }
    }

    /** What is measured of one window, from its opening to its close; a window that never opened reports nothing. */
    private final class Window {

        private final String name;
        private final boolean jfr = options.bool("jfr") && server != null;
        private final Optional<AsyncProfiler.Mode> asyncProfiler = server == null ? Optional.empty()
                : AsyncProfiler.Mode.of(options.string("async-profiler"));
        private String stamp;
        private ServerMetrics metrics;
        private Map<String, Object[]> threadsBefore;
        private long openedAt;

        Window(String name) {
            this.name = name;
        }

        synchronized void open() {
            stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            metrics = new ServerMetrics(client);
            metrics.start();
            threadsBefore = server == null ? null : ThreadCpu.snapshot(server.pid());
            openedAt = System.nanoTime();
            if (jfr) {
                Jfr.start(server.pid(), recording());
            }
            asyncProfiler.ifPresent(mode -> AsyncProfiler.start(server.pid(), mode));
        }

        synchronized void close(Report report) {
            if (metrics == null) {
                return;
            }
            metrics.stop();
            lastMetrics = metrics;
            lastThreadCpu = threadsBefore == null ? null
                    : ThreadCpu.diff(threadsBefore, ThreadCpu.snapshot(server.pid()), System.nanoTime() - openedAt);
            try {
                Files.createDirectories(resultsDir);
                if (asyncProfiler.isPresent()) {
                    AsyncProfiler.Mode mode = asyncProfiler.get();
                    Path file = resultsDir.resolve(name + "-" + stamp + (mode == AsyncProfiler.Mode.ALLOC ? "-alloc" : "") + ".collapsed");
                    AsyncProfiler.stop(server.pid(), mode, file);
                    if (Files.exists(file)) {
                        Map<String, Object> summary = AsyncProfiler.summarise(mode, file, 25);
                        AsyncProfiler.print(mode, summary);
                        report.put("asyncProfiler", summary);
                        report.note("async-profiler stacks (collapsed, for flame graphs): " + file);
                    }
                }
                if (jfr) {
                    Path file = resultsDir.resolve(name + "-" + stamp + ".jfr");
                    Jfr.stop(server.pid(), recording(), file);
                    if (Files.exists(file)) {
                        Jfr.Summary summary = Jfr.summarise(file, 25);
                        Jfr.print(summary);
                        report.put("jfr", Jfr.toJson(summary));
                        report.put("jfrFile", file.toString());
                        report.note("JFR recording: " + file);
                    }
                }
            } catch (IOException e) {
                System.out.println("profile summary failed: " + e.getMessage());
            }
        }

        private String recording() {
            return "bench-" + name;
        }
    }

    Map<String, Object> environment() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("java", System.getProperty("java.version"));
        env.put("loadAverage1m", round2(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        env.put("serverOwned", server != null);
        env.put("url", url);
        env.put("runId", runId);
        return env;
    }

    /** Unique, valid usernames for this run ({@code ^[a-z0-9._-]{1,40}$}). */
    String username(String role, int i) {
        return runId + "-" + role + i;
    }

    List<Client.User> signUpMany(String role, int count) {
        return signUpMany(role, 0, count);
    }

    List<Client.User> signUpMany(String role, int from, int count) {
        long t0 = System.nanoTime();
        List<Client.User> users = Client.parallel(count, setupConcurrency, i -> client.signUp(username(role, from + i)), setupTimeout);
        log("signed up %d %s users in %.1f s", count, role, (System.nanoTime() - t0) / 1e9);
        return new ArrayList<>(users);
    }

    void joinTeamMany(List<Client.User> users, String teamId) {
        long t0 = System.nanoTime();
        Client.parallel(users.size(), setupConcurrency, i -> client.joinTeam(users.get(i), teamId).thenReturn(i), setupTimeout);
        log("%d users joined the team in %.1f s", users.size(), (System.nanoTime() - t0) / 1e9);
    }

    static String human(java.time.Duration d) {
        long ms = d.toMillis();
        return ms % 1000 != 0 ? ms + "ms" : ms % 60_000 != 0 || ms == 0 ? ms / 1000 + "s" : ms / 60_000 + "m";
    }

    static void log(String format, Object... args) {
        System.out.printf("  [%s] %s%n", LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")),
                String.format(format, args));
    }
}
