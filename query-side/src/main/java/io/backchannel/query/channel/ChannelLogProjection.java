package io.backchannel.query.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.EventPage;
import io.backchannel.api.channel.FetchEventsQuery;
import io.backchannel.api.channel.FollowChannelQuery;
import io.backchannel.query.EventWrites;
import io.backchannel.query.Projections;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.backchannel.query.Projections.seqId;
import static io.backchannel.query.Projections.seqIds;

/**
 * The raw channel log, one document per event keyed by (channelId, seq). Owns {@code channel_events}.
 * It is also where live updates start: an event is emitted to {@link FollowChannelQuery} subscribers
 * only after the unit of work that stored it commits, so anyone told of seq N can read it back.
 */
@Component
@ProcessingGroup(Projections.GROUP)
public class ChannelLogProjection {

    static final String COLLECTION = "channel_events";
    private static final int RANGE_WINDOW = 1_000;

    private final ReactiveMongoTemplate mongo;
    private final ObjectMapper json;
    private final QueryUpdateEmitter emitter;

    ChannelLogProjection(ReactiveMongoTemplate mongo, ObjectMapper json, QueryUpdateEmitter emitter) {
        this.mongo = mongo;
        this.json = json;
        this.emitter = emitter;
    }

    @EventHandler
    void on(ChannelEvent event) {
        Document document = new Document("_id", seqId(event.channelId(), event.seq()))
                .append("channelId", event.channelId())
                .append("seq", event.seq())
                .append("type", event.type())
                .append("json", write(event));
        EventWrites.save(mongo, COLLECTION, document);
        emitter.emit(FollowChannelQuery.class, query -> query.channelId().equals(event.channelId()), event);
    }

    @QueryHandler
    CompletableFuture<EventPage> handle(FetchEventsQuery query) {
        long from = query.afterSeq() + 1;
        // One past the page tells whether there is more, without a count.
        List<String> ids = seqIds(query.channelId(), from, from + query.limit());
        return mongo.find(Query.query(Criteria.where("_id").in(ids)), Document.class, COLLECTION)
                .map(this::read)
                .sort(Comparator.comparingLong(ChannelEvent::seq))
                .collectList()
                .map(events -> events.size() > query.limit()
                        ? new EventPage(List.copyOf(events.subList(0, query.limit())), true)
                        : new EventPage(events, false))
                .toFuture();
    }

    /** Events {@code from} to {@code to} (both included), in order, read a window of keys at a time. */
    public Flux<ChannelEvent> range(String channelId, long from, long to) {
        return Flux.range(0, (int) ((to - from) / RANGE_WINDOW + 1))
                .concatMap(window -> {
                    long start = from + (long) window * RANGE_WINDOW;
                    long end = Math.min(to, start + RANGE_WINDOW - 1);
                    return mongo.find(Query.query(Criteria.where("_id").in(seqIds(channelId, start, end))),
                                    Document.class, COLLECTION)
                            .map(this::read)
                            .sort(Comparator.comparingLong(ChannelEvent::seq));
                });
    }

    private String write(ChannelEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ChannelEvent read(Document document) {
        try {
            return json.readValue(document.getString("json"), ChannelEvent.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
