package io.backchannel.gateway.stream;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.FollowChannelQuery;
import io.backchannel.gateway.bus.AxonClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
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

    /** Events a feed holds at most while nobody listens: stale once someone does, so few. */
    static final int KEPT_WHILE_UNHEARD = 16;

    private final AxonClient axon;
    private final StreamProperties properties;
    private final ConcurrentMap<String, Feed> feeds = new ConcurrentHashMap<>();

    ChannelFeeds(AxonClient axon, StreamProperties properties) {
        this.axon = axon;
        this.properties = properties;
    }

    /**
     * A channel's live events as this node learns of them, and when that starts. A feed opens when its first
     * listener subscribes, and its upstream is registered a moment later: what is stored before then is not
     * in the feed, so a listener reads the log only once the feed has {@code started}, and misses nothing.
     */
    public record Feed(Flux<ChannelEvent> events, Mono<Void> started) {
    }

    /** The channel's feed on this node, shared by every local listener. */
    public Feed live(String channelId) {
        return feeds.computeIfAbsent(channelId, this::open);
    }

    /** How many channels this node holds an upstream subscription for. */
    public int openFeeds() {
        return feeds.size();
    }

    private Feed open(String channelId) {
        AtomicReference<Feed> self = new AtomicReference<>();
        Sinks.Empty<Void> started = Sinks.empty();
        Flux<ChannelEvent> events = axon.updates(new FollowChannelQuery(channelId), Long.class, ChannelEvent.class,
                        properties.upstreamBuffer(), started::tryEmitEmpty)
                // An overflowing or broken upstream is reopened; listeners fill what it lost from history.
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(50)).maxBackoff(Duration.ofSeconds(5)))
                .doFinally(signal -> feeds.remove(channelId, self.get()))
                // Listeners always take what comes, so this only drops while nobody listens (the grace after
                // the last one left). Kept instead, it all went to the next listeners at once: after a mass
                // disconnect, a storm of resumes got thousands of stale events each and overflowed to resync.
                .onBackpressureDrop()
                .publish(KEPT_WHILE_UNHEARD)
                .refCount(1, properties.idleFeedGrace());
        self.set(new Feed(events, started.asMono()));
        return self.get();
    }
}
