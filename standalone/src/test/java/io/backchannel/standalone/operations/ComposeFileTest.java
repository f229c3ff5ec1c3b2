package io.backchannel.standalone.operations;

import io.backchannel.standalone.operations.ComposeProject.App;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.backchannel.standalone.operations.ComposeProject.COMPOSE_DIR;
import static io.backchannel.standalone.operations.ComposeProject.ROOT;
import static io.backchannel.standalone.operations.ComposeProject.environment;
import static io.backchannel.standalone.operations.ComposeProject.read;
import static io.backchannel.standalone.operations.ComposeProject.service;
import static io.backchannel.standalone.operations.ComposeProject.services;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * compose/compose.yaml, checked without Docker: it parses, has the services of the distributed shape,
 * starts them in an order that health checks guard, and builds the images from the jars Maven makes.
 */
class ComposeFileTest {

    static final List<String> SERVICES = List.of("axonserver", "mongo", "command-side", "query-side",
            "api-gateway-1", "api-gateway-2", "lb", "prometheus", "grafana");
    static final List<String> GATEWAYS = List.of("api-gateway-1", "api-gateway-2");

    @Test
    void hasEveryServiceOfTheDistributedShape() {
        assertThat(services()).containsKeys(SERVICES.toArray(String[]::new));
        assertThat(services()).allSatisfy((name, service) -> assertThat(service.containsKey("image") || service.containsKey("build"))
                .as("service %s names an image or a build", name).isTrue());
    }

    @Test
    void everyDependencyIsAServiceAndEveryHealthConditionHasAHealthCheck() {
        Map<String, Map<String, Object>> services = services();
        services.forEach((name, service) -> {
            Object dependsOn = service.get("depends_on");
            if (dependsOn == null) {
                return;
            }
            assertThat(dependsOn).as("%s: depends_on in the long form, with conditions", name).isInstanceOf(Map.class);
            ((Map<?, ?>) dependsOn).forEach((dependency, spec) -> {
                assertThat(services).as("%s depends on %s", name, dependency).containsKey(String.valueOf(dependency));
                String condition = String.valueOf(((Map<?, ?>) spec).get("condition"));
                assertThat(condition).as("%s -> %s", name, dependency)
                        .isIn("service_started", "service_healthy", "service_completed_successfully");
                if (condition.equals("service_healthy")) {
                    assertThat(healthTest(services.get(String.valueOf(dependency))))
                            .as("%s waits for %s to be healthy, so %s needs a healthcheck", name, dependency, dependency)
                            .isNotEmpty();
                }
            });
        });
        assertThat(dependencyCycle(services)).as("depends_on cycle").isEmpty();
    }

    @Test
    void theApplicationsStartOnlyOnceWhatTheyNeedIsHealthy() {
        assertThat(healthyDependencies("command-side")).contains("axonserver");
        assertThat(healthyDependencies("query-side")).contains("axonserver", "mongo");
        for (String gateway : GATEWAYS) {
            assertThat(healthyDependencies(gateway)).contains("axonserver", "command-side", "query-side");
        }
        assertThat(healthyDependencies("lb")).containsAll(GATEWAYS);
        assertThat(healthyDependencies("grafana")).contains("prometheus");
    }

    @Test
    void everyApplicationIsHealthCheckedOnItsOwnPortWithAToolItsImageHas() {
        services().forEach((name, service) -> ComposeProject.app(service).ifPresent(app -> {
            int port = ComposeProject.serverPort(app, environment(service));
            String test = String.join(" ", healthTest(service));
            assertThat(test).as("%s health check", name).contains("localhost:" + port + "/actuator/health");
            String tool = healthTest(service).get(1);
            assertThat(read(dockerfile(app)))
                    .as("the %s image ensures %s, which its health check runs", app.module, tool)
                    .contains("command -v " + tool);
        }));
    }

    @Test
    void axonServerRunsInDevelopmentModeWithItsPortsPublished() {
        Map<String, Object> axonserver = service("axonserver");
        assertThat(environment(axonserver)).containsEntry("AXONIQ_AXONSERVER_DEVMODE_ENABLED", "true");
        assertThat(ComposeProject.publishedPorts(axonserver)).containsEntry(8024, 8024).containsEntry(8124, 8124);
        assertThat(String.join(" ", healthTest(axonserver))).contains(":8024/actuator/health");
    }

    @Test
    void mongoIsASingleNodeReplicaSetThatItsHealthCheckInitiates() {
        Map<String, Object> mongo = service("mongo");
        assertThat(String.valueOf(mongo.get("image"))).startsWith("mongo:7");
        List<String> command = ComposeProject.list(mongo.get("command")).stream().map(String::valueOf).toList();
        assertThat(command).containsSubsequence("--replSet", "rs0");
        String health = String.join(" ", healthTest(mongo));
        assertThat(health).contains("rs.initiate(").contains("_id: 'rs0'").contains("host: 'mongo:27017'")
                .contains("rs.status()").contains("isWritablePrimary");
    }

    @Test
    void theLoadBalancerIsOnPort8080AndProxiesHttpSseAndWebSocketToBothGateways() {
        Map<String, Object> lb = service("lb");
        assertThat(String.valueOf(lb.get("image"))).startsWith("nginx");
        assertThat(ComposeProject.publishedPorts(lb)).containsKey(8080);
        int listens = ComposeProject.publishedPorts(lb).get(8080);
        assertThat(ComposeProject.list(lb.get("volumes"))).map(String::valueOf)
                .contains("./nginx/nginx.conf:/etc/nginx/nginx.conf:ro");

        String nginx = read(COMPOSE_DIR.resolve("nginx/nginx.conf"));
        assertThat(nginx).contains("listen " + listens + ";");
        Set<String> upstreams = new HashSet<>();
        Matcher server = Pattern.compile("(?m)^\\s*server\\s+([\\w.-]+):(\\d+)").matcher(nginx);
        while (server.find()) {
            String host = server.group(1);
            upstreams.add(host);
            Map<String, Object> gateway = service(host);
            assertThat(ComposeProject.app(gateway)).as("upstream %s is a gateway", host).contains(App.API_GATEWAY);
            assertThat(Integer.parseInt(server.group(2))).as("upstream %s port", host)
                    .isEqualTo(ComposeProject.serverPort(App.API_GATEWAY, environment(gateway)));
        }
        assertThat(upstreams).containsExactlyInAnyOrderElementsOf(GATEWAYS);

        String webSocket = location(nginx, "= /api/ws");
        assertThat(webSocket).contains("proxy_http_version 1.1", "proxy_set_header Upgrade $http_upgrade",
                "proxy_set_header Connection $connection_upgrade", "proxy_read_timeout 1h");
        String sse = location(nginx, "~ ^/api/(channels|teams)/[^/]+/stream$");
        assertThat(sse).contains("proxy_http_version 1.1", "proxy_buffering off", "proxy_read_timeout 1h");
        assertThat(nginx).contains("proxy_http_version 1.1;");
        assertThat(location(nginx, "= /actuator/health")).contains("proxy_pass http://gateways");
    }

    @Test
    void theApplicationImagesRunTheExecJarAsANonRootUser() {
        for (App app : App.values()) {
            String dockerfile = read(dockerfile(app));
            assertThat(dockerfile).as(app.module).containsPattern("(?m)^FROM eclipse-temurin:17-jre\\s*$")
                    .containsPattern("(?m)^COPY .*target/" + app.module + "-\\*-exec\\.jar ")
                    .containsPattern("(?m)^USER (?!root\\b|0\\b)\\S+")
                    .doesNotContainPattern("(?m)^HEALTHCHECK");
            assertThat(read(ROOT.resolve(app.module).resolve("pom.xml")))
                    .as("%s repackages the exec jar the image copies", app.module).contains("<classifier>exec</classifier>");
            List<Map<String, Object>> built = services().values().stream()
                    .filter(service -> ComposeProject.app(service).filter(app::equals).isPresent()).toList();
            assertThat(built).as("services built from %s", app.module).isNotEmpty();
        }
    }

    @Test
    void theComposeFileTellsHowToBuildTheJarsFirst() {
        assertThat(read(COMPOSE_DIR.resolve("compose.yaml")))
                .contains("./mvnw -B -ntp -DskipTests package")
                .contains("docker compose -f compose/compose.yaml up -d");
    }

    @Test
    void everyMountedConfigurationFileIsInTheRepository() {
        services().forEach((name, service) -> ComposeProject.list(service.get("volumes")).forEach(volume -> {
            String source = String.valueOf(volume).split(":")[0];
            if (source.startsWith("./") || source.startsWith("../")) {
                assertThat(COMPOSE_DIR.resolve(source)).as("%s mounts %s", name, source).exists();
            }
        }));
    }

    static List<String> healthTest(Map<String, Object> service) {
        Object healthcheck = service == null ? null : service.get("healthcheck");
        if (!(healthcheck instanceof Map<?, ?> map) || Boolean.TRUE.equals(map.get("disable"))) {
            return List.of();
        }
        Object test = map.get("test");
        if (test instanceof List<?> list) {
            return list.stream().map(String::valueOf).filter(part -> !part.equals("NONE")).toList();
        }
        return test == null ? List.of() : List.of("CMD-SHELL", String.valueOf(test));
    }

    private static Set<String> healthyDependencies(String name) {
        Object dependsOn = service(name).get("depends_on");
        Set<String> healthy = new HashSet<>();
        if (dependsOn instanceof Map<?, ?> map) {
            map.forEach((dependency, spec) -> {
                if ("service_healthy".equals(((Map<?, ?>) spec).get("condition"))) {
                    healthy.add(String.valueOf(dependency));
                }
            });
        }
        return healthy;
    }

    /** A cycle of depends_on (compose refuses one), or empty: a depth-first search with the path kept. */
    private static List<String> dependencyCycle(Map<String, Map<String, Object>> services) {
        Set<String> finished = new HashSet<>();
        for (String start : services.keySet()) {
            List<String> cycle = visit(start, services, new ArrayList<>(), finished);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String name, Map<String, Map<String, Object>> services, List<String> path,
                                      Set<String> finished) {
        if (path.contains(name)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            return cycle;
        }
        if (finished.contains(name) || services.get(name) == null) {
            return List.of();
        }
        path.add(name);
        Object dependsOn = services.get(name).get("depends_on");
        Iterable<?> dependencies = dependsOn instanceof Map<?, ?> map ? map.keySet() : ComposeProject.list(dependsOn);
        for (Object dependency : dependencies) {
            List<String> cycle = visit(String.valueOf(dependency), services, path, finished);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        finished.add(name);
        return List.of();
    }

    private static Path dockerfile(App app) {
        Path dockerfile = ROOT.resolve(app.module).resolve("Dockerfile");
        assertThat(dockerfile).as("Dockerfile of %s", app.module).isRegularFile();
        return dockerfile;
    }

    /** The body of the nginx {@code location <spec> { ... }} block (no nested blocks in ours). */
    private static String location(String nginx, String spec) {
        int start = nginx.indexOf("location " + spec + " {");
        assertThat(start).as("nginx location %s", spec).isNotNegative();
        int end = nginx.indexOf('}', start);
        return nginx.substring(start, end);
    }
}
