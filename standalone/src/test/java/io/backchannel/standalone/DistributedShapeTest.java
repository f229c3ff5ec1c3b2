package io.backchannel.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.command.CommandSideApplication;
import io.backchannel.gateway.GatewayApplication;
import io.backchannel.query.QuerySideApplication;
import io.backchannel.standalone.Api.User;
import org.axonframework.test.server.AxonServerContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production shape: command side, query side and gateway as three applications meeting only
 * through Axon Server, projections in a real MongoDB. Runs wherever Docker does; skipped (visibly,
 * as "disabled") where it does not, so it never stands in for the embedded tests.
 */
@Testcontainers(disabledWithoutDocker = true)
class DistributedShapeTest {

    @Container
    static final AxonServerContainer AXON_SERVER = new AxonServerContainer("axoniq/axonserver:2024.2.6-jdk-17")
            .withDevMode(true);

    @Container
    static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7.0");

    private static List<ConfigurableApplicationContext> apps;
    private static Api api;

    @BeforeAll
    static void startTheThreeSides() {
        String[] common = {
                "--server.port=0",
                "--axon.axonserver.servers=" + AXON_SERVER.getAxonServerAddress(),
                "--spring.data.mongodb.uri=" + MONGO.getReplicaSetUrl("backchannel"),
                "--backchannel.jwt.secret=distributed-test-secret-0123456789-abcdef",
                // The distributed processes carry no JDBC store; the embedded one is only on this test's classpath.
                "--spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"
        };
        apps = Stream.of(app(CommandSideApplication.class, "command-side", common),
                        app(QuerySideApplication.class, "query-side", common),
                        app(GatewayApplication.class, "api-gateway", common))
                .toList();
        int gatewayPort = ((WebServerApplicationContext) apps.get(2)).getWebServer().getPort();
        api = new Api("http://localhost:" + gatewayPort);
    }

    @AfterAll
    static void stop() {
        if (apps != null) {
            apps.forEach(ConfigurableApplicationContext::close);
        }
    }

    @Test
    void aSendTravelsFromTheGatewayThroughAxonServerIntoHistoryAndTheStream() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);

        StepVerifier.create(api.stream("/api/channels/" + channel + "/stream?after=0", alice.token(), h -> { })
                        .map(event -> Long.parseLong(event.id())))
                .then(() -> api.send(alice, channel, "d-1", "across three processes").block().expect(201))
                .expectNext(1L)
                .then(() -> api.send(alice, channel, "d-1", "across three processes").block().expect(200))
                .then(() -> api.send(alice, channel, "d-2", "and again").block().expect(201))
                .expectNext(2L)
                .thenCancel()
                .verify(Duration.ofSeconds(60));

        api.awaitProjected(alice, channel, 2);
        JsonNode history = api.get("/api/channels/" + channel + "/messages", alice).expect(200).body();
        assertThat(history.path("messages")).extracting(message -> message.path("text").asText())
                .containsExactly("across three processes", "and again");
    }

    private static ConfigurableApplicationContext app(Class<?> application, String configName, String[] args) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        return new SpringApplicationBuilder(application)
                .properties("spring.config.name=" + configName)
                .run(args);
    }
}
