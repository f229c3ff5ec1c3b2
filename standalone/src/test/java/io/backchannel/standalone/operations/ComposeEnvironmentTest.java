package io.backchannel.standalone.operations;

import io.backchannel.gateway.security.JwtProperties;
import io.backchannel.standalone.operations.ComposeProject.App;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.backchannel.standalone.operations.ComposeProject.environment;
import static io.backchannel.standalone.operations.ComposeProject.environmentName;
import static io.backchannel.standalone.operations.ComposeProject.service;
import static io.backchannel.standalone.operations.ComposeProject.services;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every variable compose sets on command-side, query-side and the gateways is one the application
 * reads (a misspelt one is silently ignored by Spring, and the app runs on its default), the ones it
 * must have are set, and no secret is committed.
 */
class ComposeEnvironmentTest {

    /**
     * Standard names that the application reads although its own files do not mention them: Spring Boot
     * and Axon properties by relaxed binding, and the JVM's own variable.
     */
    static final Map<String, String> STANDARD = Map.of(
            "SERVER_PORT", "server.port (Spring Boot)",
            "SPRING_PROFILES_ACTIVE", "spring.profiles.active (Spring Boot)",
            "SPRING_DATA_MONGODB_URI", "spring.data.mongodb.uri (Spring Boot; the query side)",
            "AXON_AXONSERVER_SERVERS", "axon.axonserver.servers (Axon)",
            "AXONIQ_UPDATE_CHECKER_DISABLED", "Axon's update checker switch (each main sets it too)",
            "JAVA_TOOL_OPTIONS", "read by the JVM itself (heap sizing); JAVA_OPTS would be ignored by `java -jar`");

    private static final Pattern REQUIRED_INTERPOLATION = Pattern.compile("\\$\\{([A-Z0-9_]+):\\?[^}]+}");

    @Test
    void everyVariableSetOnAnApplicationIsOneItReads() {
        List<String> unread = new ArrayList<>();
        int checked = 0;
        for (var entry : services().entrySet()) {
            App app = ComposeProject.app(entry.getValue()).orElse(null);
            if (app == null) {
                continue;
            }
            Map<String, String> known = readableVariables(app);
            for (String variable : environment(entry.getValue()).keySet()) {
                checked++;
                if (!known.containsKey(variable)) {
                    unread.add(entry.getKey() + ": " + variable);
                } else {
                    System.out.printf("compose %s: %s -> %s%n", entry.getKey(), variable, known.get(variable));
                }
            }
        }
        assertThat(checked).as("variables checked").isPositive();
        assertThat(unread).as("variables set in compose.yaml that the application never reads").isEmpty();
    }

    @Test
    void theRelaxedNamesOfTheConfigurationPropertiesAreTheDocumentedOnes() {
        // Keeps the reflection above honest: these are the names README.md and JwtProperties document.
        assertThat(readableVariables(App.API_GATEWAY)).containsKeys("BACKCHANNEL_JWT_SECRET", "BACKCHANNEL_STREAM_BUFFERSIZE",
                "BACKCHANNEL_STREAM_KEEPALIVE", "AXONSERVER_SERVERS");
        assertThat(readableVariables(App.COMMAND_SIDE)).containsKeys("BACKCHANNEL_COMMAND_SNAPSHOTTHRESHOLD",
                "BACKCHANNEL_COMMAND_AGGREGATECACHESIZE", "AXONSERVER_SERVERS");
        assertThat(readableVariables(App.QUERY_SIDE)).containsKeys("BACKCHANNEL_QUERY_BATCHSIZE", "MONGODB_URI");
        assertThat(readableVariables(App.COMMAND_SIDE)).doesNotContainKeys("BACKCHANNEL_JWT_SECRET", "MONGODB_URI");
        for (App app : App.values()) {
            assertThat(app.configurationProperties()).as("the scan of %s finds its known records", app.basePackage)
                    .containsAll(app.knownProperties)
                    .allSatisfy(type -> assertThat(type.getPackageName()).startsWith(app.basePackage));
        }
    }

    @Test
    void everyPlaceholderThatWouldPointAtTheContainerItselfIsSet() {
        // Inside a container, localhost is the container: a default naming it can only be a mistake there.
        services().forEach((name, service) -> ComposeProject.app(service).ifPresent(app ->
                ComposeProject.placeholders(app).forEach((placeholder, fallback) -> {
                    if (placeholder.equals(placeholder.toUpperCase()) && (fallback == null || fallback.contains("localhost"))) {
                        assertThat(environment(service)).as("%s must set %s (default: %s)", name, placeholder, fallback)
                                .containsKey(placeholder);
                    }
                })));
    }

    @Test
    void theApplicationsFindAxonServerAndMongoByTheirServiceNames() {
        Set<Integer> axonPorts = ComposeProject.containerPorts(service("axonserver"));
        services().forEach((name, service) -> ComposeProject.app(service).ifPresent(app -> {
            String servers = environment(service).get("AXONSERVER_SERVERS");
            assertThat(servers).as("%s AXONSERVER_SERVERS", name).isNotBlank();
            for (String server : servers.split(",")) {
                String[] hostPort = server.strip().split(":");
                assertThat(services()).as("%s: Axon Server host %s", name, hostPort[0]).containsKey(hostPort[0]);
                assertThat(axonPorts).as("%s: Axon Server gRPC port", name).contains(Integer.parseInt(hostPort[1]));
            }
        }));

        URI mongo = URI.create(environment(service("query-side")).get("MONGODB_URI"));
        assertThat(mongo.getScheme()).isEqualTo("mongodb");
        assertThat(services()).containsKey(mongo.getHost());
        assertThat(ComposeProject.containerPorts(service(mongo.getHost()))).contains(mongo.getPort());
        List<String> command = ComposeProject.list(service(mongo.getHost()).get("command")).stream().map(String::valueOf).toList();
        assertThat(command).contains("--replSet");
        String replicaSet = command.get(command.indexOf("--replSet") + 1);
        assertThat(mongo.getQuery()).as("the query side names mongo's replica set").contains("replicaSet=" + replicaSet);
    }

    @Test
    void everyGatewayGetsTheJwtSecretFromTheEnvironmentAndNoSecretIsCommitted() {
        // The distributed profile refuses the development default (JwtProperties.DEVELOPMENT_SECRET).
        assertThat(JwtProperties.class.getAnnotation(ConfigurationProperties.class).value()).isEqualTo("backchannel.jwt");
        services().forEach((name, service) -> {
            if (ComposeProject.app(service).filter(App.API_GATEWAY::equals).isPresent()) {
                assertThat(environment(service).get("BACKCHANNEL_JWT_SECRET")).as("%s BACKCHANNEL_JWT_SECRET", name)
                        .matches(REQUIRED_INTERPOLATION)
                        .startsWith("${BACKCHANNEL_JWT_SECRET:?");
            }
            if (ComposeProject.app(service).isPresent()) {
                environment(service).forEach((variable, value) -> {
                    if (variable.matches(".*(SECRET|PASSWORD|TOKEN|KEY).*")) {
                        assertThat(value).as("%s %s must come from the environment, required, with no default", name, variable)
                                .matches(REQUIRED_INTERPOLATION);
                    }
                });
            }
        });
        assertThat(ComposeProject.read(ComposeProject.COMPOSE_DIR.resolve("compose.yaml")))
                .doesNotContain(JwtProperties.DEVELOPMENT_SECRET);
    }

    /** Every variable name the application reads, with where it reads it. */
    static Map<String, String> readableVariables(App app) {
        Map<String, String> known = new LinkedHashMap<>();
        ComposeProject.placeholders(app).keySet().forEach(placeholder ->
                known.putIfAbsent(placeholder, "placeholder ${" + placeholder + "} in " + app.module + ".yml or its imports"));
        for (Class<?> properties : app.configurationProperties()) {
            for (String property : configurationProperties(properties)) {
                known.putIfAbsent(environmentName(property), property + " (" + properties.getSimpleName() + ")");
            }
        }
        ComposeProject.configuredProperties(app).keySet().forEach(property ->
                known.putIfAbsent(environmentName(property), property + " (set in " + app.module + ".yml or its imports)"));
        STANDARD.forEach(known::putIfAbsent);
        return known;
    }

    /**
     * The properties a {@code @ConfigurationProperties} class binds: its prefix and each record component
     * (or, for a JavaBean, each instance field), kebab-cased.
     */
    static Set<String> configurationProperties(Class<?> properties) {
        ConfigurationProperties annotation = properties.getAnnotation(ConfigurationProperties.class);
        assertThat(annotation).as("%s is @ConfigurationProperties", properties.getName()).isNotNull();
        String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
        Set<String> names = new LinkedHashSet<>();
        if (properties.isRecord()) {
            for (var component : properties.getRecordComponents()) {
                names.add(prefix + "." + ComposeProject.kebab(component.getName()));
            }
        } else {
            for (var field : properties.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    names.add(prefix + "." + ComposeProject.kebab(field.getName()));
                }
            }
        }
        return names;
    }
}
