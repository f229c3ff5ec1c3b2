package io.backchannel.query.member;

import io.backchannel.api.team.ChannelNameReservedEvent;
import io.backchannel.api.team.FetchUserTeamsQuery;
import io.backchannel.query.MongoFixture;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexField;
import org.springframework.data.mongodb.core.index.ReactiveIndexOperations;
import org.springframework.data.mongodb.core.query.Query;

import java.util.List;

import static io.backchannel.query.TestEvents.T0;
import static io.backchannel.query.TestEvents.accountCreated;
import static io.backchannel.query.TestEvents.teamCreated;
import static io.backchannel.query.TestEvents.teamJoined;
import static org.assertj.core.api.Assertions.assertThat;

class MemberProjectionTest {

    @RegisterExtension
    static final MongoFixture mongo = new MongoFixture();

    private static final String TEAM = "t1";

    private MemberProjection members;

    @BeforeEach
    void setUp() {
        members = new MemberProjection(mongo.template());
    }

    private long memberCount(String teamId) {
        Document team = mongo.findById(MemberProjection.TEAMS, teamId);
        assertThat(team).as("team " + teamId).isNotNull();
        return team.get("memberCount", Number.class).longValue();
    }

    private boolean isTeamMember(String teamId, String userId) {
        return Boolean.TRUE.equals(members.isTeamMember(teamId, userId).block(MongoFixture.TIMEOUT));
    }

    /** A team as the Team aggregate makes one: created at seq 0, its creator joins at seq 1. */
    private void teamOf(String teamId, String creator) {
        members.on(teamCreated(teamId, creator), 0);
        members.on(teamJoined(teamId, creator), 1);
    }

    @Test
    void aNewTeamCountsItsCreator() {
        teamOf(TEAM, "u1");

        Document team = mongo.findById(MemberProjection.TEAMS, TEAM);
        assertThat(team.getString("name")).isEqualTo("team " + TEAM);
        assertThat(memberCount(TEAM)).isEqualTo(1);
        assertThat(isTeamMember(TEAM, "u1")).isTrue();
    }

    @Test
    void aMembershipOnceSeenHoldsWhileTheProjectionIsRebuiltAndANoIsAskedAgain() {
        teamOf(TEAM, "u1");
        assertThat(isTeamMember(TEAM, "u1")).isTrue();
        assertThat(isTeamMember(TEAM, "u2")).isFalse();

        mongo.template().remove(new Query(), MemberProjection.TEAM_MEMBERS).block(MongoFixture.TIMEOUT); // a rebuild's start
        members.on(teamJoined(TEAM, "u2"), 2);

        assertThat(isTeamMember(TEAM, "u1")).as("nothing takes a user out of a team").isTrue();
        assertThat(isTeamMember(TEAM, "u2")).as("a no is asked again").isTrue();
        assertThat(isTeamMember(TEAM, "u3")).isFalse();
    }

    @Test
    void eachJoinCountsOnce() {
        teamOf(TEAM, "u1");
        members.on(teamJoined(TEAM, "u2"), 2);
        // seq 3 is another team event (a channel name reserved), which this projection does not handle
        members.on(teamJoined(TEAM, "u3"), 4);

        assertThat(memberCount(TEAM)).isEqualTo(3);
        assertThat(isTeamMember(TEAM, "u2")).isTrue();
        assertThat(isTeamMember(TEAM, "u3")).isTrue();
        assertThat(mongo.count(MemberProjection.TEAM_MEMBERS)).isEqualTo(3);
    }

    @Test
    void aRedeliveredJoinIsGuardedByTheTeamSequenceNumber() {
        teamOf(TEAM, "u1");
        members.on(teamJoined(TEAM, "u2"), 2);
        members.on(teamJoined(TEAM, "u2"), 2);
        members.on(teamJoined(TEAM, "u1"), 1);

        assertThat(memberCount(TEAM)).isEqualTo(2);
        assertThat(mongo.count(MemberProjection.TEAM_MEMBERS)).isEqualTo(2);
    }

    @Test
    void aReplayedBatchChangesNothing() {
        teamOf(TEAM, "u1");
        members.on(teamJoined(TEAM, "u2"), 2);
        members.on(teamJoined(TEAM, "u3"), 3);

        teamOf(TEAM, "u1");
        members.on(teamJoined(TEAM, "u2"), 2);
        members.on(teamJoined(TEAM, "u3"), 3);

        assertThat(memberCount(TEAM)).isEqualTo(3);
        Document team = mongo.findById(MemberProjection.TEAMS, TEAM);
        assertThat(team.get("appliedSeq", Number.class).longValue()).isEqualTo(3);
    }

    @Test
    void theSequenceNumberComesFromTheEventMessage() throws Exception {
        // Through Axon's own handler invocation, as the tracking processor calls it: @SequenceNumber must
        // resolve to the team aggregate's sequence number, else the redelivery guard guards nothing.
        AnnotationEventHandlerAdapter handler = new AnnotationEventHandlerAdapter(members);
        handler.handle(new GenericDomainEventMessage<>("Team", TEAM, 0, teamCreated(TEAM, "u1")));
        handler.handle(new GenericDomainEventMessage<>("Team", TEAM, 1, teamJoined(TEAM, "u1")));
        handler.handle(new GenericDomainEventMessage<>("Team", TEAM, 2,
                new ChannelNameReservedEvent(TEAM, "c2", "random", T0)));
        handler.handle(new GenericDomainEventMessage<>("Team", TEAM, 3, teamJoined(TEAM, "u2")));
        handler.handle(new GenericDomainEventMessage<>("Team", TEAM, 3, teamJoined(TEAM, "u2")));
        handler.handle(new GenericDomainEventMessage<>("Team", TEAM, 1, teamJoined(TEAM, "u1")));

        assertThat(memberCount(TEAM)).isEqualTo(2);
    }

    @Test
    void teamMembershipIsPerTeam() {
        teamOf(TEAM, "u1");
        teamOf("t2", "u2");

        assertThat(isTeamMember(TEAM, "u1")).isTrue();
        assertThat(isTeamMember(TEAM, "u2")).isFalse();
        assertThat(isTeamMember("t2", "u2")).isTrue();
        assertThat(isTeamMember("t2", "u1")).isFalse();
        assertThat(isTeamMember("unknown", "u1")).isFalse();
        assertThat(memberCount(TEAM)).isEqualTo(1);
        assertThat(memberCount("t2")).isEqualTo(1);
    }

    @Test
    void aTeamsMembersAreItsOwnEvenWhereAnotherTeamsIdStartsTheSame() {
        teamOf(TEAM, "u1");
        members.on(teamJoined(TEAM, "u2"), 2);
        teamOf(TEAM + "0", "u3");

        assertThat(members.memberIds(TEAM).collectList().block(MongoFixture.TIMEOUT)).containsExactlyInAnyOrder("u1", "u2");
        assertThat(members.memberIds(TEAM + "0").collectList().block(MongoFixture.TIMEOUT)).containsExactly("u3");
    }

    @Test
    void aUsersTeamsAreOneDocumentOfTheirOwn() throws Exception {
        teamOf(TEAM, "u1");
        teamOf("t2", "u2");
        members.on(teamJoined("t2", "u1"), 2);
        members.on(teamJoined("t2", "u1"), 2); // redelivered

        assertThat(members.handle(new FetchUserTeamsQuery("u1")).get().teamIds()).containsExactly(TEAM, "t2");
        assertThat(members.handle(new FetchUserTeamsQuery("nobody")).get().teamIds()).isEmpty();
    }

    @Test
    void aStoreFromBeforeUsersHadTheirTeamsDocumentHasItFilledOnce() throws Exception {
        teamOf(TEAM, "u1");
        teamOf("t2", "u2");
        members.on(teamJoined("t2", "u1"), 2);
        mongo.template().dropCollection(MemberProjection.USER_TEAMS).block(MongoFixture.TIMEOUT);
        assertThat(members.handle(new FetchUserTeamsQuery("u1")).get().teamIds()).as("as an old store answered").isEmpty();

        for (int i = 0; i < 1_200; i++) { // more than one bulk of the fill
            members.on(teamJoined("t" + (3 + i), "u3"), 1);
        }
        mongo.template().dropCollection(MemberProjection.USER_TEAMS).block(MongoFixture.TIMEOUT);

        members.fillUserTeams().block(MongoFixture.TIMEOUT);

        assertThat(members.handle(new FetchUserTeamsQuery("u1")).get().teamIds()).containsExactlyInAnyOrder(TEAM, "t2");
        assertThat(members.handle(new FetchUserTeamsQuery("u2")).get().teamIds()).containsExactly("t2");
        assertThat(members.handle(new FetchUserTeamsQuery("u3")).get().teamIds()).hasSize(1_200);

        mongo.template().dropCollection(MemberProjection.USER_TEAMS).block(MongoFixture.TIMEOUT);
        members.fillUserTeams().block(MongoFixture.TIMEOUT);
        assertThat(members.handle(new FetchUserTeamsQuery("u1")).get().teamIds())
                .as("filled once: after that the events keep it").isEmpty();
    }

    @Test
    void theMembershipsIndexThatNothingReadsIsDroppedAndItsAbsenceIsFine() {
        teamOf(TEAM, "u1");
        ReactiveIndexOperations memberIndexes = mongo.template().indexOps(MemberProjection.TEAM_MEMBERS);
        memberIndexes.ensureIndex(new Index().on("userId", Sort.Direction.ASC)).block(MongoFixture.TIMEOUT);
        assertThat(indexedFields(memberIndexes)).as("as an older store has it").contains(List.of("userId"));

        members.dropRetiredIndex().block(MongoFixture.TIMEOUT);
        members.dropRetiredIndex().block(MongoFixture.TIMEOUT);

        assertThat(indexedFields(memberIndexes)).containsExactly(List.of("_id"));
        assertThat(members.isTeamMember(TEAM, "u1").block(MongoFixture.TIMEOUT)).isTrue();
    }

    private static List<List<String>> indexedFields(ReactiveIndexOperations indexes) {
        return indexes.getIndexInfo().map(index -> index.getIndexFields().stream().map(IndexField::getKey).toList())
                .collectList().block(MongoFixture.TIMEOUT);
    }

    @Test
    void aRedeliveredTeamCreationResetsNothing() {
        teamOf(TEAM, "u1");
        members.on(teamJoined(TEAM, "u2"), 2);

        members.on(teamCreated(TEAM, "u1"), 0);

        assertThat(memberCount(TEAM)).isEqualTo(2);
        assertThat(mongo.findById(MemberProjection.TEAMS, TEAM).get("appliedSeq", Number.class).longValue())
                .isEqualTo(2);
    }

    @Test
    void anAccountIsStoredOnceWithItsNames() {
        members.on(accountCreated("u1", "alice"));
        members.on(accountCreated("u1", "alice"));

        Document user = mongo.findById(MemberProjection.USERS, "u1");
        assertThat(user.getString("username")).isEqualTo("alice");
        assertThat(user.getString("displayName")).isEqualTo("Display alice");
        assertThat(mongo.count(MemberProjection.USERS)).isEqualTo(1);
    }
}
