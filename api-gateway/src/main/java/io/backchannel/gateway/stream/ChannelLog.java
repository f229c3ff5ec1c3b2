package io.backchannel.gateway.stream;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.EventPage;
import io.backchannel.api.channel.FetchEventsQuery;
import io.backchannel.gateway.bus.AxonClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

import java.util.List;

/** A channel's stored log, read page by page from the projections: how anyone fills a gap. */
@Component
public class ChannelLog {

    private final AxonClient axon;
    private final StreamProperties properties;

    ChannelLog(AxonClient axon, StreamProperties properties) {
        this.axon = axon;
        this.properties = properties;
    }

    /** The events after {@code after} up to {@code until} (inclusive), in order. */
    public Flux<ChannelEvent> between(String channelId, long after, long until) {
        return axon.query(new FetchEventsQuery(channelId, after, properties.catchUpPage()), EventPage.class)
                .flatMapMany(page -> {
                    List<ChannelEvent> events = page.events();
                    Flux<ChannelEvent> wanted = Flux.fromIterable(events).filter(event -> event.seq() <= until);
                    long reached = events.isEmpty() ? after : events.get(events.size() - 1).seq();
                    return page.hasMore() && reached < until
                            ? wanted.concatWith(Flux.defer(() -> between(channelId, reached, until)))
                            : wanted;
                });
    }

    /** Every event after {@code after} stored so far. */
    public Flux<ChannelEvent> after(String channelId, long after) {
        return between(channelId, after, Long.MAX_VALUE);
    }
}
