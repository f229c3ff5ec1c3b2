package io.backchannel.standalone.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.standalone.operations.ComposeProject.App;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole of compose/compose.yaml, up: images built from the exec jars, Axon Server, the MongoDB
 * replica set, both gateways behind the load balancer, Prometheus scraping them all. Runs wherever
 * Docker (with the compose plugin) does, after `./mvnw -B -ntp verify` or `package` has built the jars;
 * skipped, visibly, where Docker is missing, so it proves nothing there and the static tests beside it
 * and the embedded end-to-end tests stand on their own. It publishes compose's fixed host ports
 * (8080, 3000, 9090, 8024, 8124): they must be free.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeSmokeTest {

    private static final Duration STARTUP = Duration.ofMinutes(8);

    @Container
    static final ComposeContainer COMPOSE = new ComposeContainer(ComposeProject.COMPOSE_DIR.resolve("compose.yaml").toFile())
            .withLocalCompose(true)
            .withBuild(true)
            // The built images cannot be pulled; `up` pulls the others it lacks.
            .withPull(false)
            .withRemoveVolumes(true)
            // A fresh, throwaway secret: compose refuses to start without one.
            .withEnv("BACKCHANNEL_JWT_SECRET", "compose-smoke-" + UUID.randomUUID() + "-" + UUID.randomUUID())
            .withExposedService("lb", 80, Wait.forHttp("/actuator/health").forStatusCode(200).withStartupTimeout(STARTUP))
            .withExposedService("prometheus", 9090, Wait.forHttp("/-/ready").forStatusCode(200).withStartupTimeout(STARTUP))
            .withStartupTimeout(STARTUP);

    static {
        for (App app : App.values()) {
            assertThat(execJars(app)).as("%s/target/*-exec.jar: run `./mvnw -B -ntp -DskipTests package` first", app.module)
                    .hasSize(1);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theLoadBalancerIsHealthyAndASignupThroughItGetsAToken() throws Exception {
        String lb = "http://" + COMPOSE.getServiceHost("lb", 80) + ":" + COMPOSE.getServicePort("lb", 80);

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(lb + "/actuator/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json.readTree(health.body()).path("status").asText()).isEqualTo("UP");

        String username = "smoke" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> signup = http.send(HttpRequest.newBuilder(URI.create(lb + "/api/auth/signup"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"" + username + "\",\"displayName\":\"Smoke\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signup.statusCode()).as("signup answer %s", signup.body()).isEqualTo(201);
        JsonNode account = json.readTree(signup.body());
        assertThat(account.path("username").asText()).isEqualTo(username);
        assertThat(account.path("token").asText()).isNotBlank();

        HttpResponse<String> hidden = http.send(HttpRequest.newBuilder(URI.create(lb + "/actuator/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hidden.statusCode()).as("the balancer keeps the gateways' metrics to Prometheus").isEqualTo(404);
    }

    @Test
    void prometheusScrapesEveryTarget() {
        String prometheus = "http://" + COMPOSE.getServiceHost("prometheus", 9090) + ":"
                + COMPOSE.getServicePort("prometheus", 9090);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/targets?state=active"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            List<String> down = new ArrayList<>();
            JsonNode targets = json.readTree(answer.body()).path("data").path("activeTargets");
            targets.forEach(target -> {
                if (!"up".equals(target.path("health").asText())) {
                    down.add(target.path("scrapeUrl").asText() + ": " + target.path("lastError").asText());
                }
            });
            assertThat(targets.size()).isEqualTo(PrometheusTargetsTest.targets().size());
            assertThat(down).isEmpty();
        });
    }

    private static List<Path> execJars(App app) {
        List<Path> jars = new ArrayList<>();
        Path target = ComposeProject.ROOT.resolve(app.module).resolve("target");
        if (!Files.isDirectory(target)) {
            return jars;
        }
        try (DirectoryStream<Path> found = Files.newDirectoryStream(target, app.module + "-*-exec.jar")) {
            found.forEach(jars::add);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return jars;
    }
}
