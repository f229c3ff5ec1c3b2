package io.backchannel.query.search;

import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.message.MessageDeletedEvent;
import io.backchannel.api.message.MessageEditedEvent;
import io.backchannel.api.message.MessagePage;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.message.SearchMessagesQuery;
import io.backchannel.api.message.SearchTerms;
import io.backchannel.query.EventWrites;
import io.backchannel.query.Projections;
import io.backchannel.query.channel.ChannelDirectoryProjection;
import io.backchannel.query.message.MessageHistoryProjection;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.backchannel.query.Projections.byId;
import static io.backchannel.query.Projections.seqId;

/**
 * Full-word search over messages' current text. Owns {@code search_index}: one document per live
 * message with its normalised words in an array ({@link SearchTerms}), queried with {@code $all}.
 * That works the same on MongoDB (with the multikey index declared here) and on the embedded server,
 * which has no {@code $text}.
 */
@Component
@ProcessingGroup(Projections.GROUP)
public class SearchProjection implements SmartInitializingSingleton {

    static final String COLLECTION = "search_index";

    private final ReactiveMongoTemplate mongo;
    private final ChannelDirectoryProjection channels;
    private final MessageHistoryProjection messages;

    SearchProjection(ReactiveMongoTemplate mongo, ChannelDirectoryProjection channels,
                     MessageHistoryProjection messages) {
        this.mongo = mongo;
        this.channels = channels;
        this.messages = messages;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Projections.declareIndex(mongo, COLLECTION,
                new Index().on("teamId", Sort.Direction.ASC).on("terms", Sort.Direction.ASC)).subscribe();
    }

    @EventHandler
    void on(MessagePostedEvent event) {
        Update entry = new Update().setOnInsert("teamId", channels.teamOf(event.channelId()))
                .setOnInsert("channelId", event.channelId()).setOnInsert("seq", event.seq())
                .setOnInsert("ts", event.ts().toString()).setOnInsert("terms", SearchTerms.of(event.text()))
                .setOnInsert("changedSeq", event.seq());
        EventWrites.submit(mongo, COLLECTION, bulk -> bulk.upsert(byId(seqId(event.channelId(), event.seq())), entry));
    }

    @EventHandler
    void on(MessageEditedEvent event) {
        Query older = Query.query(Criteria.where("_id").is(seqId(event.channelId(), event.messageSeq()))
                .and("changedSeq").lt(event.seq()));
        Update terms = new Update().set("terms", SearchTerms.of(event.text())).set("changedSeq", event.seq());
        EventWrites.submit(mongo, COLLECTION, bulk -> bulk.updateOne(older, terms));
    }

    @EventHandler
    void on(MessageDeletedEvent event) {
        EventWrites.submit(mongo, COLLECTION, bulk -> bulk.remove(byId(seqId(event.channelId(), event.messageSeq()))));
    }

    @QueryHandler
    CompletableFuture<MessagePage> handle(SearchMessagesQuery query) {
        return channels.channelsOfTeam(query.teamId())
                .filterWhen(channel -> channel.isPrivate()
                        ? channels.joinSeq(channel.channelId(), query.userId()).hasElement()
                        : Mono.just(true))
                .map(ChannelView::channelId)
                .collectList()
                .flatMap(readable -> readable.isEmpty() ? Mono.just(List.<String>of()) : mongo.find(
                                Query.query(Criteria.where("teamId").is(query.teamId()).and("terms").all(query.terms())
                                                .and("channelId").in(readable))
                                        .with(Sort.by(Sort.Order.desc("seq"), Sort.Order.desc("ts")))
                                        .limit(query.limit()),
                                Document.class, COLLECTION)
                        .map(hit -> hit.getString("_id"))
                        .collectList())
                .flatMap(messages::inOrder)
                .map(found -> new MessagePage(found, false))
                .toFuture();
    }
}
