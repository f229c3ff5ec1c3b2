package io.backchannel.gateway.stream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.EventPage;
import io.backchannel.api.channel.FetchEventsQuery;
import io.backchannel.gateway.bus.AxonClient;
import org.springframework.stereotype.Component;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;

/**
 * A channel's stored log, read page by page from the projections: how anyone fills a gap. A page with
 * more after it never changes (a log only grows at its end), so those pages are kept and shared: when a
 * thousand subscribers resume from the same seq, each page is read once. Readers of the last page at the
 * same moment share one read of it too, and it is read again next time.
 */
@Component
public class ChannelLog {

    private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

    private final AxonClient axon;
    private final StreamProperties properties;
    private final Cache<PageStart, Mono<EventPage>> pages;

    ChannelLog(AxonClient axon, StreamProperties properties) {
        this.axon = axon;
        this.properties = properties;
        this.pages = Caffeine.newBuilder().maximumSize(properties.sharedPages()).build();
    }

    private record PageStart(String channelId, long after) {
    }

    /** The events after {@code after} up to {@code until} (inclusive), in order. */
    public Flux<ChannelEvent> between(String channelId, long after, long until) {
        return page(channelId, after)
                .flatMapMany(page -> {
                    List<ChannelEvent> events = page.events();
                    Flux<ChannelEvent> wanted = Flux.fromIterable(events).filter(event -> event.seq() <= until);
                    long reached = events.isEmpty() ? after : events.get(events.size() - 1).seq();
                    return page.hasMore() && reached < until
                            ? wanted.concatWith(Flux.defer(() -> between(channelId, reached, until)))
                            : wanted;
                });
    }

    private Mono<EventPage> page(String channelId, long after) {
        return pages.get(new PageStart(channelId, after), start -> axon
                .query(new FetchEventsQuery(channelId, after, properties.catchUpPage()), EventPage.class)
                .cache(page -> page.hasMore() ? FOREVER : Duration.ZERO,
                        error -> Duration.ZERO, () -> Duration.ZERO));
    }

    /** Every event after {@code after} stored so far. */
    public Flux<ChannelEvent> after(String channelId, long after) {
        return between(channelId, after, Long.MAX_VALUE);
    }
}
