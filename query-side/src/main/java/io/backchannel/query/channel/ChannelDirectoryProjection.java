package io.backchannel.query.channel;

import io.backchannel.api.channel.ChannelAccess;
import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.channel.FetchChannelAccessQuery;
import io.backchannel.api.channel.FollowChannelQuery;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.query.EventWrites;
import io.backchannel.query.Projections;
import io.backchannel.query.member.MemberProjection;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static io.backchannel.query.Projections.WRITE_TIMEOUT;
import static io.backchannel.query.Projections.byId;
import static io.backchannel.query.Projections.pairId;

/**
 * Channels, their members and their last seq. Owns {@code channels} and {@code channel_members}.
 * A channel document only moves forward: a change of members is guarded by {@code lastSeq < seq}, which
 * makes redelivery harmless and the member count exact. Any other event only raises {@code lastSeq}
 * ({@code $max}), once for a whole batch and after the batch's member changes, so {@code lastSeq} never
 * passes a member change that is not written yet.
 */
@Component
@ProcessingGroup(Projections.GROUP)
public class ChannelDirectoryProjection {

    static final String CHANNELS = "channels";
    static final String CHANNEL_MEMBERS = "channel_members";

    private final ReactiveMongoTemplate mongo;
    private final MemberProjection teamMembers;
    private final Map<String, String> teamOfChannel = new ConcurrentHashMap<>();

    ChannelDirectoryProjection(ReactiveMongoTemplate mongo, MemberProjection teamMembers) {
        this.mongo = mongo;
        this.teamMembers = teamMembers;
    }

    @EventHandler
    void on(ChannelCreatedEvent event) {
        teamOfChannel.put(event.channelId(), event.teamId());
        Update insert = new Update().setOnInsert("teamId", event.teamId()).setOnInsert("name", event.name())
                .setOnInsert("private", event.isPrivate()).setOnInsert("memberCount", 1L)
                .setOnInsert("lastSeq", event.seq());
        EventWrites.submit(mongo, CHANNELS, bulk -> bulk.upsert(byId(event.channelId()), insert));
        saveMember(event.channelId(), event.userId(), event.seq());
    }

    @EventHandler
    void on(MemberJoinedChannelEvent event) {
        saveMember(event.channelId(), event.userId(), event.seq());
        advance(event, 1);
    }

    @EventHandler
    void on(MemberLeftChannelEvent event) {
        EventWrites.submit(mongo, CHANNEL_MEMBERS, bulk -> bulk.remove(byId(pairId(event.channelId(), event.userId()))));
        advance(event, -1);
    }

    /** Every other event only moves the channel on. */
    @EventHandler
    void on(ChannelEvent event) {
        EventWrites.submitLast(mongo, CHANNELS, event.channelId(), bulk -> bulk.updateOne(byId(event.channelId()),
                new Update().max("lastSeq", event.seq())));
    }

    @QueryHandler
    CompletableFuture<ChannelAccess> handle(FetchChannelAccessQuery query) {
        return channel(query.channelId())
                .flatMap(channel -> Mono.zip(
                        teamMembers.isTeamMember(channel.teamId(), query.userId()),
                        mongo.exists(byId(pairId(channel.channelId(), query.userId())), CHANNEL_MEMBERS),
                        (inTeam, inChannel) -> new ChannelAccess(channel, inTeam, inChannel)))
                .defaultIfEmpty(new ChannelAccess(null, false, false))
                .toFuture();
    }

    /** The initial answer of a channel subscription: the last seq readable now, -1 for an unknown channel. */
    @QueryHandler
    CompletableFuture<Long> handle(FollowChannelQuery query) {
        return channel(query.channelId()).map(ChannelView::lastSeq).defaultIfEmpty(-1L).toFuture();
    }

    public Mono<ChannelView> channel(String channelId) {
        return mongo.findOne(byId(channelId), Document.class, CHANNELS).map(ChannelDirectoryProjection::view);
    }

    /**
     * The team of a channel, for the processor's own thread (it blocks on a miss). A channel never
     * changes team, so the answer is remembered.
     */
    public String teamOf(String channelId) {
        return teamOfChannel.computeIfAbsent(channelId,
                id -> channel(id).map(ChannelView::teamId).blockOptional(WRITE_TIMEOUT).orElse(null));
    }

    public Flux<ChannelView> channelsOfTeam(String teamId) {
        return mongo.find(Query.query(Criteria.where("teamId").is(teamId)), Document.class, CHANNELS)
                .map(ChannelDirectoryProjection::view);
    }

    /** The seq at which the user became a member (channel.created for the creator); empty if not one. */
    public Mono<Long> joinSeq(String channelId, String userId) {
        return mongo.findOne(byId(pairId(channelId, userId)), Document.class, CHANNEL_MEMBERS)
                .map(member -> member.get("joinSeq", Number.class).longValue());
    }

    private static ChannelView view(Document document) {
        return new ChannelView(document.getString("_id"), document.getString("teamId"), document.getString("name"),
                document.getBoolean("private"), document.get("memberCount", Number.class).longValue(),
                document.get("lastSeq", Number.class).longValue());
    }

    private void saveMember(String channelId, String userId, long joinSeq) {
        EventWrites.save(mongo, CHANNEL_MEMBERS, new Document("_id", pairId(channelId, userId))
                .append("channelId", channelId).append("userId", userId).append("joinSeq", joinSeq));
    }

    private void advance(ChannelEvent event, long memberDelta) {
        Update update = new Update().set("lastSeq", event.seq()).inc("memberCount", memberDelta);
        EventWrites.submit(mongo, CHANNELS, bulk -> bulk.updateOne(
                Query.query(Criteria.where("_id").is(event.channelId()).and("lastSeq").lt(event.seq())), update));
    }
}
