package io.backchannel.standalone.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.Api;
import io.backchannel.standalone.Api.Response;
import io.backchannel.standalone.Api.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A projection write that fails is retried, never skipped: the processor stops on the failing batch, backs off
 * and tries it again (the PropagatingErrorHandler), so the projections fall behind but never lose an event.
 * Meanwhile sends still succeed (the event store is not the projection store), the failure shows in health
 * (DOWN, with the error) and in metrics (Axon's failure counter of the processor, and the projection lag),
 * and once the write succeeds everything catches up: the log is gapless, each message is there once.
 */
class ProjectionFaultTest {

    private static final Pattern FAILURES = Pattern.compile(
            "(?m)^eventProcessor_failureCounter_total\\{[^}]*processorName=\"projections\"[^}]*} ([0-9.E]+)$");
    private static final Pattern LAG = Pattern.compile("(?m)^backchannel_projection_lag_events\\{[^}]*} ([0-9.E]+)$");

    @Test
    void aFailingProjectionWriteIsRetriedAndShownUntilItSucceedsAndNothingIsSkipped(@TempDir Path data) {
        try (InProcessServer server = InProcessServer.start(data, List.of(ProjectionFaults.class),
                "--backchannel.admin.usernames=ops-faults")) {
            ProjectionFaults.FaultyProjection faults = server.bean(ProjectionFaults.FaultyProjection.class);
            Api api = new Api(server.baseUrl());
            User operator = api.signUp("ops-faults", "Operator");
            User alice = api.signUp("alice");
            String team = api.createTeam(alice);
            String channel = api.createChannel(alice, team, "faults", false);
            for (int i = 0; i < 3; i++) {
                api.send(alice, channel, "before-" + i, "before " + i).block().expect(201);
            }
            awaitHealth(api, "UP");
            double failuresBefore = metric(api, FAILURES);

            // The next three deliveries of this one message fail after the projections wrote it.
            faults.failNext(3, posted -> posted.text().equals("poison"));
            long poison = api.send(alice, channel, "poison", "poison").block().expect(201).number("seq");
            List<Long> after = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                // Sends do not depend on the projections: each is acknowledged once stored.
                after.add(api.send(alice, channel, "after-" + i, "after " + i).block().expect(201).number("seq"));
            }

            AtomicBoolean sawLag = new AtomicBoolean();
            AtomicLong maxLag = new AtomicLong();
            JsonNode down = awaitHealth(api, "DOWN");
            assertThat(down.path("components").path("projections").path("status").asText()).isEqualTo("DOWN");
            // The operator's view names the error the processor is retrying after.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    api.get("/api/admin/projections", operator).expect(200).text("error")
                            .contains("injected projection write failure"));
            // While it retries, the lag metric shows the events waiting behind the failing one.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                double lag = metric(api, LAG);
                maxLag.accumulateAndGet((long) lag, Math::max);
                return lag > 0;
            });
            sawLag.set(true);

            // It recovers by itself once the write succeeds: three failures, then the batch goes through.
            awaitHealth(api, "UP");
            assertThat(faults.injected()).isEqualTo(3);
            assertThat(metric(api, FAILURES) - failuresBefore).as("failures counted by Axon's processor metrics")
                    .isGreaterThanOrEqualTo(3);

            long last = after.get(after.size() - 1);
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> api.get("/api/channels/" + channel, alice).expect(200).number("lastSeq") >= last);
            List<JsonNode> events = api.events(alice, channel);
            assertThat(events).extracting(event -> event.path("seq").asLong())
                    .containsExactlyElementsOf(seqs(0, last));
            assertThat(events).filteredOn(event -> "poison".equals(event.path("clientMsgId").asText())).hasSize(1)
                    .first().satisfies(event -> assertThat(event.path("seq").asLong()).isEqualTo(poison));
            List<JsonNode> history = api.history(alice, channel);
            assertThat(history).extracting(message -> message.path("text").asText())
                    .containsExactly("before 0", "before 1", "before 2", "poison", "after 0", "after 1", "after 2",
                            "after 3", "after 4");
            await().atMost(Duration.ofSeconds(10)).until(() -> metric(api, LAG) == 0);
            System.out.printf("ProjectionFaultTest: %d injected failures, health DOWN then UP, max lag seen %d, "
                    + "%d events gapless%n", faults.injected(), maxLag.get(), events.size());
            assertThat(sawLag).isTrue();
        }
    }

    private static List<Long> seqs(long from, long to) {
        List<Long> seqs = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            seqs.add(seq);
        }
        return seqs;
    }

    private static JsonNode awaitHealth(Api api, String status) {
        JsonNode[] seen = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Response health = api.get("/actuator/health", null);
            seen[0] = health.body();
            return status.equals(health.body().path("status").asText());
        });
        return seen[0];
    }

    /** The sum of every series the pattern matches (Axon's counters have one per payload type). */
    private static double metric(Api api, Pattern pattern) {
        String text = api.get("/actuator/prometheus", null).expect(200).body().asText();
        Matcher matcher = pattern.matcher(text);
        double sum = 0;
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(1));
        }
        return sum;
    }
}
