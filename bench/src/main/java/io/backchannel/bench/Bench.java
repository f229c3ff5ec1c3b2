package io.backchannel.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The benchmark's entry point. It talks only HTTP, SSE (and WebSocket) to a server on loopback,
 * either one it starts itself (the standalone jar, a fresh data directory, a free port) or one given
 * with {@code --url http://127.0.0.1:PORT}. Every scenario is bounded in count and time, and the whole
 * run has a hard time limit after which the bench kills its server and exits.
 *
 * <pre>
 * java -jar bench/target/bench.jar --scenario send --duration 10s
 * java -jar bench/target/bench.jar --scenario fanout --subscribers 200 --rate 20 --fanout-duration 20s
 * java -jar bench/target/bench.jar --scenario reconnect --reconnect-subscribers 200 --messages 500
 * java -jar bench/target/bench.jar --scenario boot --boot-users 100,1000
 * </pre>
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) {
        System.setProperty("reactor.netty.pool.leasingStrategy", "lifo");
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(Options.usage());
            System.exit(2);
            return;
        }
        if (options.bool("help")) {
            System.out.print(Options.usage());
            return;
        }
        if (options.given("jfr-summary")) {
            try {
                Jfr.print(Jfr.summarise(Path.of(options.string("jfr-summary")), 25));
            } catch (Exception e) {
                System.err.println("cannot read " + options.string("jfr-summary") + ": " + e.getMessage());
                System.exit(1);
            }
            return;
        }
        int status;
        try {
            status = run(options);
        } catch (BenchException | IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    private static int run(Options options) {
        Set<String> scenarios = options.scenarios();
        String url = options.given("url") ? Client.requireLoopback(options.string("url")) : null;
        Path jar = resolveJar(options.string("jar"));
        AtomicReference<ServerProcess> current = new AtomicReference<>();
        startWatchdog(options.duration("time-limit"), current);
        // Ctrl-C or a kill of the bench must not leave its server running
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ServerProcess server = current.get();
            if (server != null) {
                server.kill();
            }
        }, "bench-server-reaper"));

        int failures = 0;
        ServerProcess shared = null;
        try {
            for (String scenario : scenarios) {
                ServerProcess server = null;
                boolean owned = url == null;
                try {
                    if (owned) {
                        if (options.bool("reuse-server") && shared != null) {
                            server = shared;
                        } else {
                            List<String> defaults = new ArrayList<>();
                            // the per-user limits are policy, not capacity: a closed-loop sender outruns 10/s
                            defaults.add("--backchannel.rate-limit.enabled=false");
                            if (scenario.equals("boot") || (options.bool("reuse-server") && scenarios.contains("boot"))) {
                                // lets the boot scenario compare the cache with the rebuild-per-request path
                                defaults.add("--backchannel.boot.rebuild-endpoint=true");
                            }
                            server = ServerProcess.start(jar, options.all("server-jvm-arg"),
                                    ServerProcess.overriding(defaults, options.all("server-arg")));
                            current.set(server);
                            if (options.bool("reuse-server")) {
                                shared = server;
                            }
                        }
                    }
                    String target = owned ? server.url() : url;
                    int maxConnections = Math.max(64, Math.max(options.integer("senders"), options.integer("publishers"))
                            + options.integer("setup-concurrency") + 32);
                    try (Client client = new Client(target, maxConnections)) {
                        Ctx ctx = new Ctx(options, target, server, client);
                        System.out.printf("%n### scenario %s against %s (run %s)%n", scenario, target, ctx.runId);
                        switch (scenario) {
                            case "send" -> SendScenario.run(ctx);
                            case "fanout" -> FanoutScenario.run(ctx);
                            case "reconnect" -> ReconnectScenario.run(ctx);
                            case "idle" -> IdleScenario.run(ctx);
                            case "boot" -> BootScenario.run(ctx);
                            default -> throw new IllegalStateException(scenario);
                        }
                    }
                } catch (BenchException | IllegalStateException e) {
                    failures++;
                    System.out.println("scenario " + scenario + " FAILED: " + e.getMessage());
                    if (server != null) {
                        server.dumpLogTail(40);
                        System.out.println("the whole server log is kept in " + options.string("results-dir"));
                    }
                } catch (RuntimeException e) {
                    failures++;
                    System.out.println("scenario " + scenario + " FAILED: " + e);
                    e.printStackTrace(System.out);
                    if (server != null) {
                        server.dumpLogTail(40);
                        System.out.println("the whole server log is kept in " + options.string("results-dir"));
                    }
                } finally {
                    if (server != null && server != shared) {
                        if (options.bool("server-log")) {
                            server.printLog();
                        }
                        server.keepLog(Path.of(options.string("results-dir")),
                                "server-" + scenario + "-" + System.currentTimeMillis() + ".log");
                        server.close();
                        current.set(null);
                    }
                }
            }
        } finally {
            if (shared != null) {
                if (options.bool("server-log")) {
                    shared.printLog();
                }
                shared.keepLog(Path.of(options.string("results-dir")), "server-shared-" + System.currentTimeMillis() + ".log");
                shared.close();
                current.set(null);
            }
        }
        System.out.println("results appended to " + Path.of(options.string("results-dir")).resolve("results.jsonl").toAbsolutePath());
        return failures == 0 ? 0 : 1;
    }

    /** The jar as given, or relative to the parent directory (when run from inside bench/). */
    private static Path resolveJar(String given) {
        Path path = Path.of(given);
        if (Files.isRegularFile(path) || path.isAbsolute()) {
            return path;
        }
        Path parent = Path.of("..").resolve(given);
        return Files.isRegularFile(parent) ? parent : path;
    }

    /** Kills the child server and ends the process once the time limit is reached, whatever is running. */
    private static void startWatchdog(Duration limit, AtomicReference<ServerProcess> current) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("bench: time limit of " + limit + " reached; stopping");
            ServerProcess server = current.get();
            if (server != null) {
                server.kill();
            }
            Runtime.getRuntime().halt(3);
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
