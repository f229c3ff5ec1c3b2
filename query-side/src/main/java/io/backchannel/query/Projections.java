package io.backchannel.query;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Conventions every projection shares. Documents are addressed by computable {@code _id}s on every hot
 * path: mongo-java-server only indexes {@code _id}, and a keyed get or {@code $in} is also the fast
 * shape on a real MongoDB.
 */
public final class Projections {

    /** How long the processor waits for an event's writes before the batch fails and is retried. */
    public static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    /** The one tracking processing group of the query side: a single segment keeps cross-channel order. */
    public static final String GROUP = "projections";

    /** Digits of the largest seq, {@link Long#MAX_VALUE}. */
    private static final int SEQ_DIGITS = 19;

    private Projections() {
    }

    /** {@code {channelId}:{seq, zero-padded}}, so ids sort as seqs do. */
    public static String seqId(String channelId, long seq) {
        // Not String.format: it was 7 % of the projections' CPU (an id per write, and one per seq of a page).
        String digits = Long.toString(seq);
        return channelId + ':' + "0".repeat(SEQ_DIGITS - digits.length()) + digits;
    }

    /** The ids of seqs {@code from} to {@code to}, both included, for a page fetched by {@code $in}. */
    public static List<String> seqIds(String channelId, long from, long to) {
        List<String> ids = new ArrayList<>((int) Math.max(0, to - from + 1));
        for (long seq = Math.max(0, from); seq <= to; seq++) {
            ids.add(seqId(channelId, seq));
        }
        return ids;
    }

    /**
     * Declares a secondary index on {@code collection}, as a help to MongoDB and never a condition of start-up:
     * the queries it serves are answered without it too, by a scan, so a store that refuses it still serves.
     */
    public static Mono<Void> declareIndex(ReactiveMongoTemplate mongo, String collection, Index index) {
        return mongo.indexOps(collection).ensureIndex(index).onErrorResume(unsupported -> Mono.empty()).then();
    }

    public static Query byId(Object id) {
        return Query.query(Criteria.where("_id").is(id));
    }

    /** {@code {ownerId}:{memberId}}, for membership documents. */
    public static String pairId(String ownerId, String memberId) {
        return ownerId + ':' + memberId;
    }
}
