package io.backchannel.gateway.metrics;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivery latency counts what was stored while the client was connected, not the backlog it replays. */
class GatewayMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry);
    private final Instant connectedAt = Instant.now().minusSeconds(60);

    @Test
    void onlyEventsStoredWhileConnectedAreTimed() {
        metrics.delivered(connectedAt, List.of(storedAt(1, connectedAt.minusSeconds(5)), storedAt(2, connectedAt.minusMillis(1)),
                storedAt(3, connectedAt.plusSeconds(10)), storedAt(4, connectedAt.plusSeconds(20))));

        Timer latency = registry.get("backchannel.delivery.latency").timer();
        assertThat(latency.count()).isEqualTo(2);
        // stored 50 and 40 s before now
        assertThat(latency.max(TimeUnit.SECONDS)).isBetween(49.0, 60.0);
        assertThat(latency.totalTime(TimeUnit.SECONDS)).isBetween(89.0, 100.0);
    }

    @Test
    void aReplayedPageIsNotTimed() {
        metrics.delivered(connectedAt, List.of(storedAt(1, connectedAt.minusSeconds(5)), storedAt(2, connectedAt)));

        assertThat(registry.get("backchannel.delivery.latency").timer().count()).isZero();
    }

    private static ChannelEvent storedAt(long seq, Instant ts) {
        return new MessagePostedEvent("c1", seq, ts, "m" + seq, "k" + seq, "u1", "text", null);
    }
}
