package io.backchannel.gateway.stream;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.FollowChannelQuery;
import io.backchannel.gateway.bus.AxonClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This node's live channel events: one upstream subscription per channel, multicast to every local
 * listener, so upstream cost grows with channels, never with connections. The feed carries no
 * guarantee of completeness (an upstream hiccup may drop updates); {@link ChannelStreams} turns it
 * into a gapless stream by filling holes from history.
 */
@Component
public class ChannelFeeds {

    private final AxonClient axon;
    private final StreamProperties properties;
    private final ConcurrentMap<String, Flux<ChannelEvent>> feeds = new ConcurrentHashMap<>();

    ChannelFeeds(AxonClient axon, StreamProperties properties) {
        this.axon = axon;
        this.properties = properties;
    }

    /** A hot flux of the channel's events as this node learns of them. */
    public Flux<ChannelEvent> live(String channelId) {
        return feeds.computeIfAbsent(channelId, this::open);
    }

    /** How many channels this node holds an upstream subscription for. */
    public int openFeeds() {
        return feeds.size();
    }

    private Flux<ChannelEvent> open(String channelId) {
        AtomicReference<Flux<ChannelEvent>> self = new AtomicReference<>();
        self.set(axon.updates(new FollowChannelQuery(channelId), Long.class, ChannelEvent.class,
                        properties.upstreamBuffer())
                // An overflowing or broken upstream is reopened; listeners fill what it lost from history.
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(50)).maxBackoff(Duration.ofSeconds(5)))
                .doFinally(signal -> feeds.remove(channelId, self.get()))
                .publish()
                .refCount(1, properties.idleFeedGrace()));
        return self.get();
    }
}
