package io.backchannel.standalone.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.standalone.operations.ComposeProject.App;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static io.backchannel.standalone.operations.ComposeProject.COMPOSE_DIR;
import static io.backchannel.standalone.operations.ComposeProject.environment;
import static io.backchannel.standalone.operations.ComposeProject.service;
import static io.backchannel.standalone.operations.ComposeProject.services;
import static io.backchannel.standalone.operations.ComposeProject.yaml;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * compose/prometheus.yml scrapes every process on the port it really listens on, and Grafana is wired
 * to that Prometheus and to the dashboards directory.
 */
class PrometheusTargetsTest {

    record Target(String job, String metricsPath, String host, int port) {
    }

    @Test
    void everyTargetIsAComposeServiceOnThePortItListensOn() {
        List<Target> targets = targets();
        assertThat(targets).isNotEmpty();
        for (Target target : targets) {
            Map<String, Object> service = services().get(target.host());
            assertThat(service).as("%s: target host %s is a compose service", target.job(), target.host()).isNotNull();
            Optional<App> app = ComposeProject.app(service);
            if (app.isPresent()) {
                assertThat(target.port()).as("%s: %s listens on server.port", target.job(), target.host())
                        .isEqualTo(ComposeProject.serverPort(app.get(), environment(service)));
                assertThat(target.metricsPath()).as("%s metrics path", target.job()).isEqualTo("/actuator/prometheus");
                assertThat(String.valueOf(ComposeProject.configuredProperties(app.get())
                        .get("management.endpoints.web.exposure.include")))
                        .as("%s exposes the prometheus endpoint", app.get().module).contains("prometheus");
                assertThat(ComposeProject.containerPorts(service)).as("%s declares its port", target.host())
                        .contains(target.port());
            } else {
                assertThat(ComposeProject.containerPorts(service))
                        .as("%s: %s declares port %d (ports or expose)", target.job(), target.host(), target.port())
                        .contains(target.port());
            }
        }
    }

    @Test
    void everyApplicationInstanceAndAxonServerIsScraped() {
        Set<String> scraped = new HashSet<>();
        targets().forEach(target -> scraped.add(target.host()));
        services().forEach((name, service) -> {
            if (ComposeProject.app(service).isPresent()) {
                assertThat(scraped).as("Prometheus scrapes %s", name).contains(name);
            }
        });
        assertThat(scraped).contains("axonserver");
        assertThat(targets()).filteredOn(target -> target.host().equals("axonserver"))
                .allSatisfy(target -> assertThat(target.metricsPath()).isEqualTo("/actuator/prometheus"));
    }

    @Test
    void prometheusRunsWithThisConfiguration() {
        Map<String, Object> prometheus = service("prometheus");
        assertThat(ComposeProject.list(prometheus.get("volumes"))).map(String::valueOf)
                .contains("./prometheus.yml:/etc/prometheus/prometheus.yml:ro");
        assertThat(ComposeProject.list(prometheus.get("command"))).map(String::valueOf)
                .contains("--config.file=/etc/prometheus/prometheus.yml");
        assertThat(ComposeProject.publishedPorts(prometheus)).containsEntry(9090, 9090);
    }

    @Test
    void grafanaReadsThisPrometheusUnderTheUidTheDashboardsUse() throws IOException {
        Map<String, Object> grafana = service("grafana");
        assertThat(ComposeProject.publishedPorts(grafana)).containsEntry(3000, 3000);
        List<String> volumes = ComposeProject.list(grafana.get("volumes")).stream().map(String::valueOf).toList();
        String provisioningMount = mountTarget(volumes, "./grafana/provisioning");
        assertThat(provisioningMount).isEqualTo("/etc/grafana/provisioning");
        String dashboardsMount = mountTarget(volumes, "./grafana/dashboards");

        List<Path> datasourceFiles = files(COMPOSE_DIR.resolve("grafana/provisioning/datasources"));
        assertThat(datasourceFiles).isNotEmpty();
        List<Map<?, ?>> datasources = new ArrayList<>();
        datasourceFiles.forEach(file -> ComposeProject.list(yaml(file).get("datasources")).forEach(d -> datasources.add((Map<?, ?>) d)));
        Map<?, ?> prometheus = datasources.stream().filter(d -> "prometheus".equals(d.get("type"))).findFirst().orElseThrow();
        URI url = URI.create(String.valueOf(prometheus.get("url")));
        assertThat(services()).as("datasource host").containsKey(url.getHost());
        assertThat(ComposeProject.containerPorts(service(url.getHost()))).contains(url.getPort());
        assertThat(url.getHost()).isEqualTo("prometheus");

        List<Path> providerFiles = files(COMPOSE_DIR.resolve("grafana/provisioning/dashboards"));
        assertThat(providerFiles).isNotEmpty();
        List<String> paths = new ArrayList<>();
        providerFiles.forEach(file -> ComposeProject.list(yaml(file).get("providers"))
                .forEach(p -> paths.add(String.valueOf(((Map<?, ?>) ((Map<?, ?>) p).get("options")).get("path")))));
        assertThat(paths).as("a dashboard provider reads the mounted dashboards").contains(dashboardsMount);

        List<Path> dashboards = files(COMPOSE_DIR.resolve("grafana/dashboards"));
        assertThat(dashboards).extracting(path -> path.getFileName().toString()).contains("backchannel.json");
        String uid = String.valueOf(prometheus.get("uid"));
        ObjectMapper json = new ObjectMapper();
        for (Path dashboard : dashboards) {
            Set<String> uids = new HashSet<>();
            collectDatasourceUids(json.readTree(dashboard.toFile()), uids);
            uids.remove("-- Grafana --"); // the built-in annotations source
            assertThat(uids).as("datasource uids in %s", dashboard.getFileName()).containsOnly(uid);
        }
    }

    static List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        Map<String, Object> config = yaml(COMPOSE_DIR.resolve("prometheus.yml"));
        for (Object job : ComposeProject.list(config.get("scrape_configs"))) {
            Map<?, ?> scrape = (Map<?, ?>) job;
            String name = String.valueOf(scrape.get("job_name"));
            Object path = scrape.get("metrics_path");
            String metricsPath = path == null ? "/metrics" : String.valueOf(path);
            for (Object staticConfig : ComposeProject.list(scrape.get("static_configs"))) {
                for (Object target : ComposeProject.list(((Map<?, ?>) staticConfig).get("targets"))) {
                    String[] hostPort = String.valueOf(target).split(":");
                    assertThat(hostPort).as("%s target %s is host:port", name, target).hasSize(2);
                    targets.add(new Target(name, metricsPath, hostPort[0], Integer.parseInt(hostPort[1])));
                }
            }
        }
        return targets;
    }

    private static String mountTarget(List<String> volumes, String source) {
        return volumes.stream().filter(volume -> volume.startsWith(source + ":")).map(volume -> volume.split(":")[1])
                .findFirst().orElseThrow(() -> new AssertionError("grafana mounts no " + source));
    }

    private static List<Path> files(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("cannot list " + directory, e);
        }
    }

    private static void collectDatasourceUids(JsonNode node, Set<String> uids) {
        if (node.isObject()) {
            JsonNode datasource = node.get("datasource");
            if (datasource != null && datasource.isObject() && datasource.has("uid")) {
                uids.add(datasource.get("uid").asText());
            }
            node.elements().forEachRemaining(child -> collectDatasourceUids(child, uids));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectDatasourceUids(child, uids));
        }
    }
}
