package io.backchannel.standalone.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.command.CommandSideApplication;
import io.backchannel.gateway.GatewayApplication;
import io.backchannel.query.QuerySideApplication;
import io.backchannel.standalone.Api;
import io.backchannel.standalone.Api.Response;
import io.backchannel.standalone.Api.User;
import org.axonframework.test.server.AxonServerContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dependency faults in the production shape (three applications, Axon Server, MongoDB):
 * <ul>
 *     <li>A projection rebuild, asked of the gateway and done by the query side over Axon Server.</li>
 *     <li>MongoDB paused (frozen, as by a stalled disk or a partition): sends still succeed, since they only need
 *     the event store; the query side reports its projections DOWN; once MongoDB returns the projections catch
 *     up, skipping nothing.</li>
 *     <li>Axon Server restarted: the applications reconnect by themselves, sends succeed again (a client retries
 *     with its clientMsgId meanwhile), and a client that resumes its stream with its last seq, as an
 *     {@code EventSource} does, sees every event once, without a gap.</li>
 * </ul>
 * Runs wherever Docker does; skipped (visibly, as "disabled") where it does not, so it never stands in for the
 * embedded fault test ({@link ProjectionFaultTest}) or the crash test ({@link CrashSafetyTest}).
 */
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedFaultsTest {

    private static final int AXON_SERVER_PORT = freePort();
    private static final String OPERATOR = "ops-distributed";

    /** On a fixed host port, so the applications find it at the same address after a restart. */
    @Container
    static final AxonServerContainer AXON_SERVER = axonServer();

    @Container
    static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7.0");

    private static List<ConfigurableApplicationContext> apps;
    private static Api gateway;
    private static Api querySide;

    private static AxonServerContainer axonServer() {
        AxonServerContainer container = new AxonServerContainer("axoniq/axonserver:2024.2.6-jdk-17").withDevMode(true);
        container.setPortBindings(List.of(AXON_SERVER_PORT + ":8124"));
        return container;
    }

    @BeforeAll
    static void startTheThreeSides() {
        String[] common = {
                "--server.port=0",
                "--axon.axonserver.servers=localhost:" + AXON_SERVER_PORT,
                "--spring.data.mongodb.uri=" + MONGO.getReplicaSetUrl("backchannel"),
                "--backchannel.jwt.secret=distributed-test-secret-0123456789-abcdef",
                "--backchannel.rate-limit.enabled=false",
                "--backchannel.admin.usernames=" + OPERATOR,
                "--spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"
        };
        apps = Stream.of(app(CommandSideApplication.class, "command-side", common),
                        app(QuerySideApplication.class, "query-side", common),
                        app(GatewayApplication.class, "api-gateway", common))
                .toList();
        gateway = new Api("http://localhost:" + port(apps.get(2)));
        querySide = new Api("http://localhost:" + port(apps.get(1)));
    }

    @AfterAll
    static void stop() {
        if (apps != null) {
            apps.forEach(ConfigurableApplicationContext::close);
        }
    }

    @Test
    @Order(1)
    void whileMongoDbIsPausedSendsSucceedAndTheProjectionsCatchUpAfterwardsSkippingNothing() {
        User alice = gateway.signUp("alice");
        String team = gateway.createTeam(alice);
        String channel = gateway.createChannel(alice, team, "paused", false);
        gateway.send(alice, channel, "before", "before the pause").block().expect(201);

        List<Long> acked = new ArrayList<>();
        MONGO.getDockerClient().pauseContainerCmd(MONGO.getContainerId()).exec();
        try {
            for (int i = 0; i < 10; i++) {
                acked.add(gateway.send(alice, channel, "paused-" + i, "sent while MongoDB is paused " + i).block()
                        .expect(201).number("seq"));
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> querySide.get("/actuator/health", null).status() == 503);
        } finally {
            MONGO.getDockerClient().unpauseContainerCmd(MONGO.getContainerId()).exec();
        }

        long last = acked.get(acked.size() - 1);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> gateway.get("/api/channels/" + channel, alice).expect(200).number("lastSeq") >= last);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> "UP".equals(querySide.get("/actuator/health", null).body().path("status").asText()));
        List<JsonNode> events = gateway.events(alice, channel);
        assertThat(events).extracting(event -> event.path("seq").asLong())
                .containsExactlyElementsOf(LongStream.rangeClosed(0, last).boxed().toList());
        for (int i = 0; i < acked.size(); i++) {
            assertThat(events.get(acked.get(i).intValue()).path("clientMsgId").asText()).isEqualTo("paused-" + i);
        }
    }

    /**
     * The operator's rebuild crosses the bus: the gateway cannot touch MongoDB, the query side drops and replays
     * its projections (on a real MongoDB, with its secondary indexes), and every read comes back the same.
     */
    @Test
    @Order(2)
    void aRebuildAskedOfTheGatewayIsDoneByTheQuerySideAndGivesBackEveryRead() {
        User operator = gateway.signUp(OPERATOR, "Operator");
        User alice = gateway.signUp("alice");
        User bob = gateway.signUp("bob");
        gateway.post("/api/admin/projections/rebuild", alice, null).expect(403);
        RebuildTest.DataSet set = RebuildTest.DataSet.build(gateway, alice, bob, gateway.signUp("carol"),
                gateway.signUp("dave"));
        RebuildTest.awaitCaughtUp(gateway, operator);
        List<String> words = List.of("hello", "secret");
        ReadModel before = ReadModel.read(gateway, set.teams, words, true);

        gateway.post("/api/admin/projections/rebuild", operator, null).expect(202);
        RebuildTest.awaitCaughtUp(gateway, operator);

        assertThat(ReadModel.read(gateway, set.teams, words, true).entries()).isEqualTo(before.entries());
    }

    @Test
    @Order(3)
    void afterAnAxonServerRestartTheApplicationsReconnectAndAResumedStreamHasNoGap() {
        User alice = gateway.signUp("alice");
        String team = gateway.createTeam(alice);
        String channel = gateway.createChannel(alice, team, "restarted", false);

        // An EventSource-like client: on every end or error it reconnects with the last seq it saw.
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        long[] lastSeen = {0};
        Disposable stream = Flux.defer(() -> gateway.stream("/api/channels/" + channel + "/stream", alice.token(),
                        headers -> headers.set("Last-Event-ID", Long.toString(lastSeen[0]))))
                .doOnNext(event -> {
                    long seq = Long.parseLong(event.id());
                    seen.add(seq);
                    lastSeen[0] = seq;
                })
                .repeat()
                .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(500)))
                .subscribe();
        try {
            long last = 0;
            for (int i = 0; i < 5; i++) {
                last = sendUntilAcked(alice, channel, "before-" + i);
            }
            long beforeRestart = last;
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.contains(beforeRestart));

            AXON_SERVER.getDockerClient().restartContainerCmd(AXON_SERVER.getContainerId()).withTimeout(10).exec();

            for (int i = 0; i < 10; i++) {
                last = sendUntilAcked(alice, channel, "after-" + i);
            }
            long afterRestart = last;
            await().atMost(Duration.ofMinutes(2)).until(() -> seen.contains(afterRestart));
            synchronized (seen) {
                assertThat(seen).as("every event once, in order, after a resume")
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, afterRestart).boxed().toList());
            }
        } finally {
            stream.dispose();
        }
    }

    /** A client's send: retried with the same clientMsgId until acknowledged (201, or 200 for a recognised retry). */
    private static long sendUntilAcked(User user, String channel, String clientMsgId) {
        Response ack = Mono.defer(() -> gateway.send(user, channel, clientMsgId, "text of " + clientMsgId)
                        .timeout(Duration.ofSeconds(15)))
                .flatMap(response -> response.status() == 201 || response.status() == 200
                        ? Mono.just(response)
                        : Mono.error(new IllegalStateException("answered " + response.status())))
                .retryWhen(Retry.fixedDelay(240, Duration.ofMillis(500)))
                .block(Duration.ofMinutes(3));
        assertThat(ack).isNotNull();
        return ack.number("seq");
    }

    private static ConfigurableApplicationContext app(Class<?> application, String configName, String[] args) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        return new SpringApplicationBuilder(application)
                .properties("spring.config.name=" + configName)
                .run(args);
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
