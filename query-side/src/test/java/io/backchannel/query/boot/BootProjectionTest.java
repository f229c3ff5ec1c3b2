package io.backchannel.query.boot;

import io.backchannel.api.read.ReadMarkerMovedEvent;
import io.backchannel.api.team.FollowTeamIdsQuery;
import io.backchannel.api.team.FollowTeamQuery;
import io.backchannel.api.team.MemberJoinedTeamEvent;
import io.backchannel.api.team.TeamCreatedEvent;
import io.backchannel.api.team.TeamDirectory;
import io.backchannel.api.team.TeamIds;
import io.backchannel.api.team.TeamUpdate;
import io.backchannel.query.MongoFixture;
import io.backchannel.query.ProjectionContext;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.queryhandling.GenericSubscriptionQueryMessage;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.axonframework.queryhandling.UpdateHandlerRegistration;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The boot projection's own collection, {@code read_markers}: one document per (channel, user), only ever
 * moving forwards, so a redelivered or late marker changes nothing. Every marker is also emitted as a team
 * update, which the boot caches apply idempotently (by max), so emitting it again is harmless too.
 */
class BootProjectionTest {

    @RegisterExtension
    static final MongoFixture mongo = new MongoFixture();

    private static final Instant T = Instant.parse("2025-06-01T10:00:00Z");

    private ProjectionContext projections;
    private BootProjection boot;

    @BeforeEach
    void setUp() {
        projections = new ProjectionContext(mongo.template(), mongo.json());
        boot = projections.bean(BootProjection.class);
        projections.deliver(new GenericDomainEventMessage<>("Team", "t1", 0,
                new TeamCreatedEvent("t1", "Team One", "u1", "c1", T)));
        projections.deliver(new GenericDomainEventMessage<>("Team", "t1", 1, new MemberJoinedTeamEvent("t1", "u1", T)));
    }

    @AfterEach
    void tearDown() {
        projections.close();
    }

    private static GenericDomainEventMessage<ReadMarkerMovedEvent> marker(long aggregateSeq, String channelId, long seq) {
        return new GenericDomainEventMessage<>("ReadState", "u1", aggregateSeq,
                new ReadMarkerMovedEvent("u1", channelId, "t1", seq, T));
    }

    private Document stored(String channelId) {
        return mongo.findById(BootProjection.READ_MARKERS, channelId + ":u1");
    }

    private List<TeamDirectory.ReadMarker> directoryMarkers() throws Exception {
        return boot.handle(new FollowTeamQuery("t1")).get().readMarkers();
    }

    @Test
    void aRedeliveredMarkerLeavesOneDocumentAtTheSameSeq() throws Exception {
        projections.deliver(marker(0, "c1", 5));
        projections.deliver(marker(0, "c1", 5));

        assertThat(mongo.count(BootProjection.READ_MARKERS)).isEqualTo(1);
        assertThat(stored("c1").get("seq", Number.class).longValue()).isEqualTo(5);
        assertThat(directoryMarkers()).containsExactly(new TeamDirectory.ReadMarker("u1", "c1", 5));
    }

    @Test
    void anOlderMarkerDeliveredAgainAfterANewerOneMovesNothingBack() throws Exception {
        projections.deliver(marker(0, "c1", 5));
        projections.deliver(marker(1, "c1", 9));
        // A replayed batch starting before the newer marker: the older one comes again, then the newer one.
        projections.deliver(marker(0, "c1", 5));
        projections.deliver(marker(1, "c1", 9));

        assertThat(mongo.count(BootProjection.READ_MARKERS)).isEqualTo(1);
        assertThat(stored("c1").get("seq", Number.class).longValue()).isEqualTo(9);
        assertThat(directoryMarkers()).containsExactly(new TeamDirectory.ReadMarker("u1", "c1", 9));
    }

    @Test
    void markersAreKeptPerChannel() throws Exception {
        projections.deliver(marker(0, "c1", 5));
        projections.deliver(marker(1, "c2", 2));
        projections.deliver(marker(1, "c2", 2));

        assertThat(mongo.count(BootProjection.READ_MARKERS)).isEqualTo(2);
        assertThat(directoryMarkers()).containsExactlyInAnyOrder(new TeamDirectory.ReadMarker("u1", "c1", 5),
                new TeamDirectory.ReadMarker("u1", "c2", 2));
    }

    @Test
    void aTeamCreatedIsToldToEveryBootCacheAndCountedAmongTheTeams() throws Exception {
        SimpleQueryUpdateEmitter emitter = (SimpleQueryUpdateEmitter) projections.emitter();
        GenericSubscriptionQueryMessage<FollowTeamIdsQuery, TeamIds, TeamIds> follow =
                new GenericSubscriptionQueryMessage<>(new FollowTeamIdsQuery(),
                        ResponseTypes.instanceOf(TeamIds.class), ResponseTypes.instanceOf(TeamIds.class));
        UpdateHandlerRegistration<TeamIds> updates = emitter.registerUpdateHandler(follow, 16);

        projections.deliver(new GenericDomainEventMessage<>("Team", "t2", 0,
                new TeamCreatedEvent("t2", "Team Two", "u2", "c2", T)));
        updates.complete();

        assertThat(updates.getUpdates().map(Message::getPayload).collectList().block(Duration.ofSeconds(5)))
                .containsExactly(new TeamIds(List.of("t2")));
        assertThat(boot.handle(new FollowTeamIdsQuery()).get().teamIds()).containsExactlyInAnyOrder("t1", "t2");
    }

    @Test
    void aRedeliveredMarkerIsEmittedWithTheSameValueSoACacheThatAppliesItByMaxIsUnchanged() {
        SimpleQueryUpdateEmitter emitter = (SimpleQueryUpdateEmitter) projections.emitter();
        GenericSubscriptionQueryMessage<FollowTeamQuery, TeamDirectory, TeamUpdate> follow =
                new GenericSubscriptionQueryMessage<>(new FollowTeamQuery("t1"),
                        ResponseTypes.instanceOf(TeamDirectory.class), ResponseTypes.instanceOf(TeamUpdate.class));
        UpdateHandlerRegistration<TeamUpdate> updates = emitter.registerUpdateHandler(follow, 16);

        projections.deliver(marker(0, "c1", 5));
        projections.deliver(marker(0, "c1", 5));
        updates.complete();

        List<TeamUpdate> emitted = updates.getUpdates().map(Message::getPayload).collectList()
                .block(Duration.ofSeconds(5));
        TeamUpdate expected = TeamUpdate.of("t1", new TeamDirectory.ReadMarker("u1", "c1", 5));
        assertThat(emitted).containsExactly(expected, expected);
    }
}
