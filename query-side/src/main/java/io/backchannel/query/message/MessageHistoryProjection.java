package io.backchannel.query.message;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.message.FetchHistoryAsOfQuery;
import io.backchannel.api.message.FetchHistoryQuery;
import io.backchannel.api.message.FetchRepliesQuery;
import io.backchannel.api.message.MessageDeletedEvent;
import io.backchannel.api.message.MessageEditedEvent;
import io.backchannel.api.message.MessagePage;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.message.MessageView;
import io.backchannel.api.message.ReactionAddedEvent;
import io.backchannel.api.message.ReactionRemovedEvent;
import io.backchannel.query.EventWrites;
import io.backchannel.query.Projections;
import io.backchannel.query.channel.ChannelDirectoryProjection;
import io.backchannel.query.channel.ChannelLogProjection;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import static io.backchannel.query.Projections.WRITE_TIMEOUT;
import static io.backchannel.query.Projections.byId;
import static io.backchannel.query.Projections.seqId;
import static io.backchannel.query.Projections.seqIds;

/**
 * Messages as they are now, one document per message keyed by (channelId, seq). Owns {@code messages}.
 * Pages are read by {@code $in} over windows of seqs, walking away from the cursor until the page is full.
 */
@Component
@ProcessingGroup(Projections.GROUP)
public class MessageHistoryProjection {

    static final String COLLECTION = "messages";

    private final ReactiveMongoTemplate mongo;
    private final ChannelDirectoryProjection channels;
    private final ChannelLogProjection log;

    MessageHistoryProjection(ReactiveMongoTemplate mongo, ChannelDirectoryProjection channels, ChannelLogProjection log) {
        this.mongo = mongo;
        this.channels = channels;
        this.log = log;
    }

    @EventHandler
    void on(MessagePostedEvent event) {
        MessageState message = new MessageState(event);
        String id = seqId(event.channelId(), event.seq());
        // Only if absent: delivered again, the message may already carry what later events did to it.
        Update insert = new Update();
        message.toDocument(id).forEach((field, value) -> {
            if (!"_id".equals(field)) {
                insert.setOnInsert(field, value);
            }
        });
        EventWrites.submit(mongo, COLLECTION, bulk -> bulk.upsert(byId(id), insert));
        if (event.threadSeq() != null) {
            change(event.channelId(), event.threadSeq(), parent -> parent.replied(event.seq()));
        }
    }

    @EventHandler
    void on(MessageEditedEvent event) {
        change(event.channelId(), event.messageSeq(), message -> message.apply(event));
    }

    @EventHandler
    void on(MessageDeletedEvent event) {
        change(event.channelId(), event.messageSeq(), message -> message.apply(event));
    }

    @EventHandler
    void on(ReactionAddedEvent event) {
        change(event.channelId(), event.messageSeq(), message -> message.apply(event));
    }

    @EventHandler
    void on(ReactionRemovedEvent event) {
        change(event.channelId(), event.messageSeq(), message -> message.apply(event));
    }

    /** Loads a message, applies the change and stores it, unless the change was already applied. */
    private void change(String channelId, long seq, Predicate<MessageState> change) {
        String id = seqId(channelId, seq);
        EventWrites.flush();
        mongo.findOne(byId(id), Document.class, COLLECTION)
                .map(MessageState::of)
                .filter(change)
                .blockOptional(WRITE_TIMEOUT)
                .ifPresent(message -> EventWrites.save(mongo, COLLECTION, message.toDocument(id)));
    }

    @QueryHandler
    CompletableFuture<MessagePage> handle(FetchHistoryQuery query) {
        return channels.channel(query.channelId())
                .map(ChannelView::lastSeq)
                .defaultIfEmpty(-1L)
                .flatMap(lastSeq -> query.afterSeq() != null
                        ? page(query.channelId(), query.afterSeq() + 1, lastSeq, +1, query.limit())
                        : page(query.channelId(), Math.min(lastSeq, beforeOrEnd(query.beforeSeq())), lastSeq, -1,
                        query.limit()))
                .toFuture();
    }

    /** The messages stored under {@code ids}, in the order of the ids. */
    public Mono<List<MessageView>> inOrder(List<String> ids) {
        return mongo.find(Query.query(Criteria.where("_id").in(ids)), Document.class, COLLECTION)
                .collectMap(message -> message.getString("_id"), MessageHistoryProjection::view)
                .map(found -> ids.stream().filter(found::containsKey).map(found::get).toList());
    }

    /** A thread's replies, in order: a query on the parent's seq, for the replies endpoint. */
    @QueryHandler
    CompletableFuture<MessagePage> handle(FetchRepliesQuery query) {
        Criteria replies = Criteria.where("channelId").is(query.channelId()).and("threadSeq").is(query.parentSeq());
        if (query.afterSeq() != null) {
            replies = replies.and("seq").gt(query.afterSeq());
        }
        Query page = Query.query(replies).with(Sort.by("seq")).limit(query.limit() + 1);
        return mongo.exists(byId(seqId(query.channelId(), query.parentSeq())), COLLECTION)
                .filter(Boolean::booleanValue)
                .flatMap(parentExists -> mongo.find(page, Document.class, COLLECTION)
                        .map(MessageHistoryProjection::view)
                        .collectList()
                        .map(found -> found.size() > query.limit()
                                ? new MessagePage(List.copyOf(found.subList(0, query.limit())), true)
                                : new MessagePage(found, false)))
                .toFuture();
    }

    /** History as it stood right after event {@code asOfSeq}, folded from the log with the projection's own rules. */
    @QueryHandler
    CompletableFuture<MessagePage> handle(FetchHistoryAsOfQuery query) {
        return log.range(query.channelId(), 0, query.asOfSeq())
                .collect(() -> new LinkedHashMap<Long, MessageState>(), (messages, event) -> fold(messages, event))
                .map(messages -> pageOf(List.copyOf(messages.values()), query))
                .toFuture();
    }

    private static void fold(Map<Long, MessageState> messages, ChannelEvent event) {
        if (event instanceof MessagePostedEvent posted) {
            messages.put(posted.seq(), new MessageState(posted));
            if (posted.threadSeq() != null && messages.containsKey(posted.threadSeq())) {
                messages.get(posted.threadSeq()).replied(posted.seq());
            }
        } else if (event instanceof MessageEditedEvent edited) {
            messages.get(edited.messageSeq()).apply(edited);
        } else if (event instanceof MessageDeletedEvent deleted) {
            messages.get(deleted.messageSeq()).apply(deleted);
        } else if (event instanceof ReactionAddedEvent added) {
            messages.get(added.messageSeq()).apply(added);
        } else if (event instanceof ReactionRemovedEvent removed) {
            messages.get(removed.messageSeq()).apply(removed);
        }
    }

    /** Pages an ascending list the way history pages: before, after, or the latest. */
    private static MessagePage pageOf(List<MessageState> messages, FetchHistoryAsOfQuery query) {
        List<MessageView> views = messages.stream().map(MessageState::view).toList();
        if (query.afterSeq() != null) {
            List<MessageView> later = views.stream().filter(message -> message.seq() > query.afterSeq()).toList();
            return new MessagePage(later.subList(0, Math.min(query.limit(), later.size())), later.size() > query.limit());
        }
        long before = query.beforeSeq() == null ? Long.MAX_VALUE : query.beforeSeq();
        List<MessageView> earlier = views.stream().filter(message -> message.seq() < before).toList();
        int from = Math.max(0, earlier.size() - query.limit());
        return new MessagePage(earlier.subList(from, earlier.size()), from > 0);
    }

    /** How many messages others posted in the channel after {@code seq}: a scan, for the rebuild path only. */
    public Mono<Long> countPostedByOthersAfter(String channelId, long seq, String userId) {
        return mongo.count(Query.query(Criteria.where("channelId").is(channelId).and("seq").gt(seq)
                .and("userId").ne(userId)), COLLECTION);
    }

    private static long beforeOrEnd(Long beforeSeq) {
        return beforeSeq == null ? Long.MAX_VALUE : beforeSeq - 1;
    }

    /** Walks from {@code start} in {@code direction} (never past 0 or {@code lastSeq}) until {@code limit} + 1 are found. */
    private Mono<MessagePage> page(String channelId, long start, long lastSeq, int direction, int limit) {
        return collect(channelId, start, lastSeq, direction, limit + 1, new ArrayList<>())
                .map(found -> {
                    boolean hasMore = found.size() > limit;
                    List<MessageView> page = new ArrayList<>(found.subList(0, Math.min(limit, found.size())));
                    page.sort(Comparator.comparingLong(MessageView::seq));
                    return new MessagePage(page, hasMore);
                });
    }

    private Mono<List<MessageView>> collect(String channelId, long from, long lastSeq, int direction, int wanted,
                                            List<MessageView> found) {
        if (found.size() >= wanted || from < 0 || from > lastSeq) {
            return Mono.just(found);
        }
        long window = 2L * wanted;
        long to = direction > 0 ? Math.min(lastSeq, from + window - 1) : Math.max(0, from - window + 1);
        Comparator<MessageView> order = Comparator.comparingLong(MessageView::seq);
        return mongo.find(Query.query(Criteria.where("_id").in(seqIds(channelId, Math.min(from, to), Math.max(from, to)))),
                        Document.class, COLLECTION)
                .map(MessageHistoryProjection::view)
                .sort(direction > 0 ? order : order.reversed())
                .collectList()
                .flatMap(batch -> {
                    found.addAll(batch.subList(0, Math.min(batch.size(), wanted - found.size())));
                    return collect(channelId, to + direction, lastSeq, direction, wanted, found);
                });
    }

    private static MessageView view(Document document) {
        return MessageState.of(document).view();
    }
}
