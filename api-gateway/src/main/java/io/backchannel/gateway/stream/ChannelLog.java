package io.backchannel.gateway.stream;

import com.github.benmanes.caffeine.cache.Cache;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.EventPage;
import io.backchannel.api.channel.FetchEventsQuery;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.config.Caches;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A channel's stored log, read page by page from the projections: how anyone fills a gap. Reads are shared.
 * A page with more after it never changes (a log only grows at its end), so it is read once for everyone.
 * The last page grows, so a reader takes a read of it only if that read began after the reader subscribed,
 * or if it reaches as far as the reader needs. A listener subscribes once its live feed is open, so in a
 * reconnect storm every subscriber that went live before someone read the last page shares that read,
 * instead of each reading it again; and a later read of the last page reads only what follows the earlier one.
 */
@Component
public class ChannelLog {

    private final AxonClient axon;
    private final StreamProperties properties;
    private final AtomicLong reads = new AtomicLong();
    private final Cache<PageStart, Read> pages;

    ChannelLog(AxonClient axon, StreamProperties properties) {
        this.axon = axon;
        this.properties = properties;
        this.pages = Caches.newBuilder().maximumSize(properties.sharedPages()).build();
    }

    private record PageStart(String channelId, long after) {
    }

    /**
     * The events after {@code after} up to {@code until} (inclusive), in order, a page at a time: at least every
     * one stored before the returned flux is subscribed to. A page that ends at or before {@code until} comes as
     * the shared page's own list, so whatever a transport makes of it can be shared by every listener too.
     */
    public Flux<List<ChannelEvent>> between(String channelId, long after, long until) {
        return Flux.defer(() -> between(channelId, after, until, reads.get()));
    }

    /** Every event after {@code after} stored before the returned flux is subscribed to, a page at a time. */
    public Flux<List<ChannelEvent>> after(String channelId, long after) {
        return between(channelId, after, Long.MAX_VALUE);
    }

    private Flux<List<ChannelEvent>> between(String channelId, long after, long until, long mark) {
        // Page after page, not a page followed by the rest: nesting the rest cost every event one more
        // operator for each page before it.
        return page(channelId, after, until, mark)
                .expand(page -> page.hasMore() && lastSeq(page.events()) < until
                        ? page(channelId, lastSeq(page.events()), until, mark) : Mono.empty())
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

    private Mono<EventPage> page(String channelId, long after, long until, long mark) {
        return Mono.defer(() -> {
            PageStart start = new PageStart(channelId, after);
            Read found = pages.getIfPresent(start);
            // Most readers find a read they may take; only the others take the map's lock, to begin one.
            Read read = found != null && found.mayServe(until, mark) ? found : pages.asMap().compute(start,
                    (key, kept) -> kept != null && kept.mayServe(until, mark) ? kept : read(key, kept));
            // A read joined in flight (the storm's first page, say) may end short of what this reader needs:
            // then once more, with a read that is sure to have begun after this reader subscribed.
            return read.page()
                    .doOnError(failed -> pages.asMap().remove(start, read))
                    .flatMap(page -> read.serves(page, until, mark) ? Mono.just(page) : page(channelId, after, until, mark));
        });
    }

    /**
     * A new read of a page. What an earlier read of the last page found is still there (a log only grows), so
     * only what follows it is read, and if nothing does, the earlier answer is the answer: its events, and
     * whatever the transports made of them, stay shared.
     */
    private Read read(PageStart start, Read earlier) {
        EventPage had = earlier == null ? null : earlier.answer;
        if (had == null || had.events().isEmpty()) {
            return new Read(reads.incrementAndGet(), query(start.channelId(), start.after(), properties.catchUpPage()));
        }
        List<ChannelEvent> events = had.events();
        Mono<EventPage> grown = query(start.channelId(), lastSeq(events), properties.catchUpPage() - events.size())
                .map(more -> more.events().isEmpty() && !more.hasMore() ? had
                        : new EventPage(Stream.concat(events.stream(), more.events().stream()).toList(), more.hasMore()));
        return new Read(reads.incrementAndGet(), grown);
    }

    private Mono<EventPage> query(String channelId, long after, int limit) {
        return axon.query(new FetchEventsQuery(channelId, after, limit), EventPage.class);
    }

    /** One read of a page, numbered in the order reads began. A failed one is forgotten, so the next reader reads again. */
    private static final class Read {

        private final long number;
        private final Mono<EventPage> page;
        private volatile EventPage answer;

        Read(long number, Mono<EventPage> query) {
            this.number = number;
            this.page = query.doOnNext(read -> answer = read).cache();
        }

        Mono<EventPage> page() {
            return page;
        }

        /** Whether a reader whose mark is {@code mark} may take this read: unless it is over and short. */
        boolean mayServe(long until, long mark) {
            EventPage read = answer;
            return read == null || serves(read, until, mark);
        }

        /**
         * Whether {@code read} has all that a reader needs: it has more after it (it will never change), it
         * reaches {@code until}, or it began after the reader subscribed, when {@code reads} stood at
         * {@code mark}.
         */
        boolean serves(EventPage read, long until, long mark) {
            return number > mark || read.hasMore() || !read.events().isEmpty() && lastSeq(read.events()) >= until;
        }
    }
}
