package io.backchannel.query.message;

import io.backchannel.api.message.FetchHistoryQuery;
import io.backchannel.api.message.MessagePage;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.message.MessageView;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.query.Projections;
import io.backchannel.query.channel.ChannelDirectoryProjection;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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

    MessageHistoryProjection(ReactiveMongoTemplate mongo, ChannelDirectoryProjection channels) {
        this.mongo = mongo;
        this.channels = channels;
    }

    @EventHandler
    void on(MessagePostedEvent event) {
        Update insert = new Update()
                .setOnInsert("messageId", event.messageId())
                .setOnInsert("channelId", event.channelId())
                .setOnInsert("seq", event.seq())
                .setOnInsert("ts", event.ts().toString())
                .setOnInsert("userId", event.userId())
                .setOnInsert("text", event.text())
                .setOnInsert("clientMsgId", event.clientMsgId())
                .setOnInsert("threadSeq", event.threadSeq())
                .setOnInsert("replyCount", 0L)
                .setOnInsert("editedAt", null)
                .setOnInsert("deleted", false);
        mongo.upsert(byId(seqId(event.channelId(), event.seq())), insert, COLLECTION).block(WRITE_TIMEOUT);
        if (event.threadSeq() != null) {
            // Counted by the reply's own seq, so a redelivery, or a retry after a failed write, counts it once.
            Query uncounted = Query.query(Criteria.where("_id").is(seqId(event.channelId(), event.threadSeq()))
                    .and("countedReplies").ne(event.seq()));
            mongo.updateFirst(uncounted, new Update().inc("replyCount", 1L).push("countedReplies", event.seq()),
                    COLLECTION).block(WRITE_TIMEOUT);
        }
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
        String editedAt = document.getString("editedAt");
        return new MessageView(document.getString("messageId"), document.getString("channelId"),
                document.get("seq", Number.class).longValue(), Instant.parse(document.getString("ts")),
                document.getString("userId"), document.getString("text"), document.getString("clientMsgId"),
                document.get("threadSeq") == null ? null : document.get("threadSeq", Number.class).longValue(),
                document.get("replyCount", Number.class).longValue(),
                editedAt == null ? null : Instant.parse(editedAt),
                document.getBoolean("deleted", false), List.of());
    }
}
