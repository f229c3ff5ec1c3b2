package io.backchannel.standalone.reliability;

import io.backchannel.standalone.StandaloneApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The standalone app in this JVM on a random port over a data directory, with test-only configuration
 * classes added when a test needs to reach inside (fault injection). Such a class must not carry
 * {@code @Configuration} or {@code @Component}: the application scans {@code io.backchannel}, test classes
 * included, and would give it to every server. Rate limits are off: these tests drive more traffic per user
 * than a person would.
 */
final class InProcessServer implements AutoCloseable {

    private static final Class<?> OWN_NETTY_RESOURCES = ownNettyResources();

    private final ConfigurableApplicationContext context;

    private InProcessServer(Path dataDir, List<Class<?>> extraSources, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--backchannel.data-dir=" + dataDir,
                "--backchannel.rate-limit.enabled=false"));
        args.addAll(List.of(extraArgs));
        // Its own Reactor Netty resources, exactly as RunningServer starts a server (the application's scan of
        // io.backchannel finds that configuration too): closing this server leaves any other one in this JVM alone.
        List<Class<?>> sources = new ArrayList<>(List.of(StandaloneApplication.class, OWN_NETTY_RESOURCES));
        sources.addAll(extraSources);
        System.setProperty("axoniq.update-checker.disabled", "true");
        this.context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).run(args.toArray(String[]::new));
    }

    private static Class<?> ownNettyResources() {
        try {
            return Class.forName("io.backchannel.standalone.RunningServer$OwnNettyResources");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    static InProcessServer start(Path dataDir, String... extraArgs) {
        return new InProcessServer(dataDir, List.of(), extraArgs);
    }

    static InProcessServer start(Path dataDir, List<Class<?>> extraSources, String... extraArgs) {
        return new InProcessServer(dataDir, extraSources, extraArgs);
    }

    String baseUrl() {
        return "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
