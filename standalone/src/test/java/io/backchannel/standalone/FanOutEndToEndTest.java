package io.backchannel.standalone;

import io.backchannel.api.channel.FollowChannelQuery;
import io.backchannel.standalone.Api.User;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Live delivery: one upstream subscription per channel on a node, and streams that stay open. */
class FanOutEndToEndTest {

    private final RunningServer server = RunningServer.shared();
    private final Api api = new Api(server.baseUrl());

    @Test
    void manyListenersOfAChannelShareOneUpstreamSubscriptionAndEachGetsEveryEvent() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);
        List<List<Long>> received = new ArrayList<>();
        List<Disposable> listeners = new ArrayList<>();
        // Counted, not emitted into a sink: the streams open on different event loops at once, and a sink
        // refuses (and drops) a second concurrent emission.
        AtomicInteger connected = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            List<Long> seqs = new CopyOnWriteArrayList<>();
            received.add(seqs);
            listeners.add(api.streamWithComments("/api/channels/" + channel + "/stream", alice.token(), h -> { })
                    .doOnNext(event -> {
                        if (event.event() == null) {
                            if ("connected".equals(event.comment())) {
                                connected.incrementAndGet();
                            }
                        } else {
                            seqs.add(Long.parseLong(event.id()));
                        }
                    })
                    .subscribe());
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> connected.get() == 5);
            for (int i = 1; i <= 3; i++) {
                api.send(alice, channel, "fan-" + i, "to everyone " + i).block().expect(201);
            }

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(received)
                    .allSatisfy(seqs -> assertThat(seqs).containsExactly(1L, 2L, 3L)));
            long upstream = server.bean(SimpleQueryUpdateEmitter.class).activeSubscriptions().stream()
                    .filter(query -> query.getPayload() instanceof FollowChannelQuery follow
                            && follow.channelId().equals(channel))
                    .count();
            assertThat(upstream).isEqualTo(1);
        } finally {
            listeners.forEach(Disposable::dispose);
        }
    }

    @Test
    void anIdleStreamCarriesKeepaliveComments() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);

        // The shared test server runs with a 1 s keepalive; the default is 15 s.
        Flux<String> comments = api.streamWithComments("/api/channels/" + channel + "/stream", alice.token(), h -> { })
                .map(ServerSentEvent::comment);
        StepVerifier.create(comments)
                .expectNext("connected")
                .expectNext("keepalive")
                .expectNext("keepalive")
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }
}
