package io.backchannel.query.boot;

import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.read.ReadMarkerMovedEvent;
import io.backchannel.api.team.BootView;
import io.backchannel.api.team.FetchBootQuery;
import io.backchannel.api.team.FollowTeamIdsQuery;
import io.backchannel.api.team.FollowTeamQuery;
import io.backchannel.api.team.MemberJoinedTeamEvent;
import io.backchannel.api.team.TeamCreatedEvent;
import io.backchannel.api.team.TeamDirectory;
import io.backchannel.api.team.TeamIds;
import io.backchannel.api.team.TeamUpdate;
import io.backchannel.query.EventWrites;
import io.backchannel.query.Projections;
import io.backchannel.query.channel.ChannelDirectoryProjection;
import io.backchannel.query.member.MemberProjection;
import io.backchannel.query.message.MessageHistoryProjection;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.backchannel.query.Projections.byId;
import static io.backchannel.query.Projections.pairId;

/**
 * Feeds the gateways' boot caches: read markers (owns {@code read_markers}), the team directory a cache
 * starts from, and a {@link TeamUpdate} for every change, emitted once the projections show it. Also
 * answers the rebuild-per-request boot, which the cache is checked and measured against.
 */
@Component
@ProcessingGroup(Projections.GROUP)
public class BootProjection {

    static final String READ_MARKERS = "read_markers";

    private final ReactiveMongoTemplate mongo;
    private final QueryUpdateEmitter emitter;
    private final MemberProjection members;
    private final ChannelDirectoryProjection channels;
    private final MessageHistoryProjection messages;

    BootProjection(ReactiveMongoTemplate mongo, QueryUpdateEmitter emitter, MemberProjection members,
                   ChannelDirectoryProjection channels, MessageHistoryProjection messages) {
        this.mongo = mongo;
        this.emitter = emitter;
        this.members = members;
        this.channels = channels;
        this.messages = messages;
    }

    @EventHandler
    void on(ChannelEvent event) {
        String teamId = event instanceof ChannelCreatedEvent created ? created.teamId() : channels.teamOf(event.channelId());
        emit(TeamUpdate.of(teamId, event));
    }

    @EventHandler
    void on(TeamCreatedEvent event) {
        emitter.emit(FollowTeamIdsQuery.class, query -> true, new TeamIds(List.of(event.teamId())));
    }

    @EventHandler
    void on(MemberJoinedTeamEvent event) {
        emit(TeamUpdate.joined(event.teamId(), event.userId()));
    }

    @EventHandler
    void on(ReadMarkerMovedEvent event) {
        // $max: a marker only moves forward, so an older one delivered again changes nothing.
        Update marker = new Update().max("seq", event.seq()).set("teamId", event.teamId())
                .set("channelId", event.channelId()).set("userId", event.userId());
        EventWrites.submit(mongo, READ_MARKERS, bulk -> bulk.upsert(byId(pairId(event.channelId(), event.userId())), marker));
        emit(TeamUpdate.of(event.teamId(),
                new TeamDirectory.ReadMarker(event.userId(), event.channelId(), event.seq())));
    }

    @QueryHandler
    CompletableFuture<TeamDirectory> handle(FollowTeamQuery query) {
        return members.teamName(query.teamId())
                .flatMap(name -> Mono.zip(
                        members.memberIds(query.teamId()).collectList(),
                        channels.channelsOfTeam(query.teamId()).map(ChannelView::channelId).collectList(),
                        mongo.find(Query.query(Criteria.where("teamId").is(query.teamId())), Document.class,
                                        READ_MARKERS)
                                .map(marker -> new TeamDirectory.ReadMarker(marker.getString("userId"),
                                        marker.getString("channelId"), marker.get("seq", Number.class).longValue()))
                                .collectList())
                        .map(parts -> new TeamDirectory(query.teamId(), name, parts.getT1(), parts.getT2(),
                                parts.getT3())))
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<TeamIds> handle(FollowTeamIdsQuery query) {
        return mongo.findAll(Document.class, "teams").map(team -> team.getString("_id")).collectList()
                .map(TeamIds::new).toFuture();
    }

    /** Everything from the projections, every time: a scan per channel for its unread count. */
    @QueryHandler
    CompletableFuture<BootView> handle(FetchBootQuery query) {
        return members.teamName(query.teamId())
                .flatMap(name -> members.memberIds(query.teamId()).count()
                        .zipWith(channels.channelsOfTeam(query.teamId())
                                .concatMap(channel -> bootChannel(channel, query.userId()))
                                .sort(Comparator.comparing(BootView.Channel::name))
                                .collectList(),
                                (memberCount, visible) -> new BootView(
                                        new BootView.Team(query.teamId(), name, memberCount), null, visible, null)))
                .toFuture();
    }

    private Mono<BootView.Channel> bootChannel(ChannelView channel, String userId) {
        return channels.joinSeq(channel.channelId(), userId)
                .flatMap(joinSeq -> mongo.findOne(byId(pairId(channel.channelId(), userId)), Document.class,
                                READ_MARKERS)
                        .map(marker -> Math.max(joinSeq, marker.get("seq", Number.class).longValue()))
                        .defaultIfEmpty(joinSeq)
                        .flatMap(lastRead -> messages.countPostedByOthersAfter(channel.channelId(), lastRead, userId)
                                .map(unread -> view(channel, true, lastRead, unread))))
                .switchIfEmpty(Mono.defer(() -> channel.isPrivate()
                        ? Mono.empty()
                        : Mono.just(view(channel, false, -1, 0))));
    }

    private static BootView.Channel view(ChannelView channel, boolean member, long lastRead, long unread) {
        return new BootView.Channel(channel.channelId(), channel.name(), channel.isPrivate(), channel.memberCount(),
                channel.lastSeq(), member, lastRead, unread);
    }

    private void emit(TeamUpdate update) {
        emitter.emit(FollowTeamQuery.class, query -> query.teamId().equals(update.teamId()), update);
    }
}
