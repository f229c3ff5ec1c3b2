package io.backchannel.standalone;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;

/**
 * The standalone app on a random port over a data directory, started and stopped as a user would. Public for
 * the tests in sub-packages (security) that need a server of their own.
 */
public final class RunningServer implements AutoCloseable {

    private static RunningServer shared;

    private final Path dataDir;
    private final ConfigurableApplicationContext context;

    private RunningServer(Path dataDir, String... extraArgs) {
        this.dataDir = dataDir;
        String[] args = new String[extraArgs.length + 2];
        args[0] = "--server.port=0";
        args[1] = "--backchannel.data-dir=" + dataDir;
        System.arraycopy(extraArgs, 0, args, 2, extraArgs.length);
        System.setProperty("axoniq.update-checker.disabled", "true");
        this.context = new SpringApplicationBuilder(StandaloneApplication.class, OwnNettyResources.class).run(args);
    }

    /**
     * Reactor Netty's event loops are JVM-global by default, and closing one context would tear them
     * down under every other server in this JVM; each test server gets its own.
     */
    // Found by the application's own scan of io.backchannel too, so every server a test starts gets its own.
    @Configuration(proxyBeanMethods = false)
    static class OwnNettyResources {
        @Bean
        ReactorResourceFactory reactorResourceFactory() {
            ReactorResourceFactory factory = new ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            return factory;
        }
    }

    public static RunningServer start(Path dataDir, String... extraArgs) {
        return new RunningServer(dataDir, extraArgs);
    }

    /**
     * One server for the whole test JVM: starting one costs seconds, and tests use fresh users and teams.
     * Spring's own shutdown hook stops it when the JVM exits.
     */
    /** How long a user stays online on the shared server after their last stream closed: short, for the tests that wait it out. */
    static final Duration PRESENCE_GRACE = Duration.ofSeconds(3);

    static synchronized RunningServer shared() {
        if (shared == null) {
            try {
                // A short keepalive so a test can see one, a short presence grace so a test can wait it out,
                // the rebuild-per-request boot as the cache's oracle,
                // and rate limits far above what any test does (8 users x 250 sends, a 1,000-request fuzz): the
                // limits themselves are tested on a server of their own (security.RateLimitTest). Everything
                // else is the default.
                shared = new RunningServer(Files.createTempDirectory("backchannel-e2e"),
                        "--backchannel.stream.keepalive=1s", "--backchannel.boot.rebuild-endpoint=true",
                        "--backchannel.stream.presence-grace=" + PRESENCE_GRACE.toMillis() + "ms",
                        "--backchannel.rate-limit.sends-per-second=100000", "--backchannel.rate-limit.send-burst=100000",
                        "--backchannel.rate-limit.writes-per-second=100000", "--backchannel.rate-limit.write-burst=100000",
                        "--backchannel.rate-limit.reads-per-second=100000", "--backchannel.rate-limit.read-burst=100000",
                        "--backchannel.rate-limit.frames-per-second=100000", "--backchannel.rate-limit.frame-burst=100000",
                        "--backchannel.rate-limit.typing-per-second=100000", "--backchannel.rate-limit.typing-burst=100000");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    public String baseUrl() {
        return "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    Path dataDir() {
        return dataDir;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
