package io.backchannel.gateway.stream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.EventPage;
import io.backchannel.api.channel.FetchEventsQuery;
import io.backchannel.gateway.bus.AxonClient;
import org.springframework.stereotype.Component;
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

    /**
     * The events after {@code after} up to {@code until} (inclusive), in order, a page at a time. A page that
     * ends at or before {@code until} comes as the shared page's own list, so whatever a transport makes of
     * it can be shared by every listener too.
     */
    public Flux<List<ChannelEvent>> between(String channelId, long after, long until) {
        // Page after page, not a page followed by the rest: nesting the rest cost every event one more
        // operator for each page before it.
        return page(channelId, after)
                .expand(page -> page.hasMore() && lastSeq(page.events()) < until
                        ? page(channelId, lastSeq(page.events())) : Mono.empty())
                .map(page -> upTo(page.events(), until))
                .filter(events -> !events.isEmpty());
    }

    private static List<ChannelEvent> upTo(List<ChannelEvent> events, long until) {
        if (events.isEmpty() || lastSeq(events) <= until) {
            return events;
        }
        int end = 0;
        while (events.get(end).seq() <= until) {
            end++;
        }
        return events.subList(0, end);
    }

    private static long lastSeq(List<ChannelEvent> events) {
        return events.get(events.size() - 1).seq();
    }

    private Mono<EventPage> page(String channelId, long after) {
        return pages.get(new PageStart(channelId, after), start -> axon
                .query(new FetchEventsQuery(channelId, after, properties.catchUpPage()), EventPage.class)
                .cache(page -> page.hasMore() ? FOREVER : Duration.ZERO,
                        error -> Duration.ZERO, () -> Duration.ZERO));
    }

    /** Every event after {@code after} stored so far, a page at a time. */
    public Flux<List<ChannelEvent>> after(String channelId, long after) {
        return between(channelId, after, Long.MAX_VALUE);
    }
}
