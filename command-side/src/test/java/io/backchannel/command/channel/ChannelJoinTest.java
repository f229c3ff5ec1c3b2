package io.backchannel.command.channel;

import io.backchannel.api.channel.JoinChannelCommand;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.command.team.TeamRoster;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.backchannel.api.Rejection.Kind.FORBIDDEN;
import static io.backchannel.api.Rejection.Kind.NOT_FOUND;
import static io.backchannel.command.Refusals.rejected;
import static io.backchannel.command.channel.ChannelFixtures.CHANNEL;
import static io.backchannel.command.channel.ChannelFixtures.NOW;
import static io.backchannel.command.channel.ChannelFixtures.TEAM;
import static io.backchannel.command.channel.ChannelFixtures.add;
import static io.backchannel.command.channel.ChannelFixtures.created;
import static io.backchannel.command.channel.ChannelFixtures.joined;
import static io.backchannel.command.channel.ChannelFixtures.left;
import static io.backchannel.command.channel.ChannelFixtures.posted;
import static io.backchannel.command.channel.ChannelFixtures.selfJoin;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * JoinChannelCommand, handled by {@link ChannelMembership}: it asks the {@link TeamRoster} first, then calls
 * {@code Channel.join} on the loaded channel. The roster is a stub; the channel is the real aggregate.
 */
class ChannelJoinTest {

    private AggregateTestFixture<Channel> fixture;
    private TeamRoster roster;

    @BeforeEach
    void setUp() {
        roster = mock(TeamRoster.class);
        fixture = new AggregateTestFixture<>(Channel.class);
        fixture.registerAnnotatedCommandHandler(new ChannelMembership(fixture.getRepository(), roster));
        fixture.givenCurrentTime(NOW);
        inTeam("alice", "bob", "carol", "dave");
        // "mallory" and "eve" are not in the team: the mock answers false for them.
    }

    private void inTeam(String... userIds) {
        for (String userId : userIds) {
            when(roster.isMember(TEAM, userId)).thenReturn(true);
        }
    }

    /** alice created the channel (seq 0), bob joined it (seq 1); carol and dave are in the team only. */
    private TestExecutor<Channel> givenPublicChannelWithAliceAndBob() {
        return fixture.given(created(false), joined(1, "bob"));
    }

    private TestExecutor<Channel> givenPrivateChannelWithAliceAndBob() {
        return fixture.given(created(true), joined(1, "bob"));
    }

    // ---- public channels ----

    @Test
    void aTeamMemberJoinsAPublicChannelThemselves() {
        givenPublicChannelWithAliceAndBob()
                .when(selfJoin("carol"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new MemberJoinedChannelEvent(CHANNEL, 2, NOW, "carol"))
                .expectResultMessagePayload(2L);
        verify(roster).isMember(TEAM, "carol");
    }

    @Test
    void joiningTwiceAnswersTheOriginalJoinSeqAndAppendsNothing() {
        givenPublicChannelWithAliceAndBob()
                .andGiven(posted(2, "alice", "a-1", "hello"))
                .when(selfJoin("bob"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents()
                .expectResultMessagePayload(1L);
    }

    @Test
    void theCreatorJoiningAnswersTheCreatedSeq() {
        givenPublicChannelWithAliceAndBob()
                .when(selfJoin("alice"))
                .expectNoEvents()
                .expectResultMessagePayload(0L);
    }

    @Test
    void aMemberWhoLeftCanJoinAgainWithANewSeq() {
        givenPublicChannelWithAliceAndBob()
                .andGiven(left(2, "bob"))
                .when(selfJoin("bob"))
                .expectEvents(new MemberJoinedChannelEvent(CHANNEL, 3, NOW, "bob"))
                .expectResultMessagePayload(3L);
    }

    @Test
    void aChannelMemberAddsAnotherTeamMemberToAPublicChannel() {
        givenPublicChannelWithAliceAndBob()
                .when(add("carol", "bob"))
                .expectEvents(new MemberJoinedChannelEvent(CHANNEL, 2, NOW, "carol"))
                .expectResultMessagePayload(2L);
        verify(roster).isMember(TEAM, "bob");
        verify(roster).isMember(TEAM, "carol");
    }

    @Test
    void addingSomeoneToAPublicChannelByANonMemberIsForbidden() {
        givenPublicChannelWithAliceAndBob()
                .when(add("carol", "dave"))
                .expectException(rejected(FORBIDDEN))
                .expectNoEvents();
    }

    @Test
    void aRequesterOutsideTheTeamIsForbiddenFromAPublicChannel() {
        givenPublicChannelWithAliceAndBob()
                .when(selfJoin("mallory"))
                .expectException(rejected(FORBIDDEN))
                .expectExceptionMessage("you are not a member of this team")
                .expectNoEvents();
    }

    @Test
    void aRequesterOutsideTheTeamCannotAddToAPublicChannel() {
        givenPublicChannelWithAliceAndBob()
                .when(add("carol", "mallory"))
                .expectException(rejected(FORBIDDEN))
                .expectNoEvents();
    }

    @Test
    void addingAUserOutsideTheTeamToAPublicChannelIsNotFound() {
        givenPublicChannelWithAliceAndBob()
                .when(add("eve", "alice"))
                .expectException(rejected(NOT_FOUND))
                .expectExceptionMessage("user eve is not a member of this team")
                .expectNoEvents();
    }

    @Test
    void addingAnExistingMemberAnswersTheirJoinSeq() {
        givenPublicChannelWithAliceAndBob()
                .when(add("bob", "alice"))
                .expectNoEvents()
                .expectResultMessagePayload(1L);
    }

    @Test
    void joiningThroughAnotherTeamIsNotFound() {
        when(roster.isMember("team-2", "carol")).thenReturn(true);
        givenPublicChannelWithAliceAndBob()
                .when(new JoinChannelCommand(CHANNEL, "team-2", "carol", "carol"))
                .expectException(rejected(NOT_FOUND))
                .expectExceptionMessage("no such channel")
                .expectNoEvents();
        verify(roster).isMember("team-2", "carol");
    }

    // ---- private channels ----

    @Test
    void selfJoiningAPrivateChannelIsNotFound() {
        givenPrivateChannelWithAliceAndBob()
                .when(selfJoin("carol"))
                .expectException(rejected(NOT_FOUND))
                .expectExceptionMessage("no such channel")
                .expectNoEvents();
    }

    @Test
    void aMemberOfAPrivateChannelSelfJoiningAgainAnswersTheirJoinSeq() {
        givenPrivateChannelWithAliceAndBob()
                .when(selfJoin("bob"))
                .expectNoEvents()
                .expectResultMessagePayload(1L);
    }

    @Test
    void aChannelMemberAddsATeamMemberToAPrivateChannel() {
        givenPrivateChannelWithAliceAndBob()
                .when(add("carol", "bob"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new MemberJoinedChannelEvent(CHANNEL, 2, NOW, "carol"))
                .expectResultMessagePayload(2L);
    }

    @Test
    void addingToAPrivateChannelByANonMemberIsNotFound() {
        givenPrivateChannelWithAliceAndBob()
                .when(add("carol", "dave"))
                .expectException(rejected(NOT_FOUND))
                .expectExceptionMessage("no such channel")
                .expectNoEvents();
    }

    @Test
    void aRequesterOutsideTheTeamIsToldAPrivateChannelDoesNotExist() {
        givenPrivateChannelWithAliceAndBob()
                .when(selfJoin("mallory"))
                .expectException(rejected(NOT_FOUND))
                .expectExceptionMessage("no such channel")
                .expectNoEvents();
    }

    @Test
    void aRequesterOutsideTheTeamCannotAddToAPrivateChannel() {
        givenPrivateChannelWithAliceAndBob()
                .when(add("carol", "mallory"))
                .expectException(rejected(NOT_FOUND))
                .expectNoEvents();
    }

    @Test
    void addingAUserOutsideTheTeamToAPrivateChannelIsNotFound() {
        givenPrivateChannelWithAliceAndBob()
                .when(add("eve", "alice"))
                .expectException(rejected(NOT_FOUND))
                .expectExceptionMessage("user eve is not a member of this team")
                .expectNoEvents();
    }

    @Test
    void joiningAPrivateChannelThroughAnotherTeamIsNotFound() {
        when(roster.isMember("team-2", "bob")).thenReturn(true);
        givenPrivateChannelWithAliceAndBob()
                .when(new JoinChannelCommand(CHANNEL, "team-2", "carol", "bob"))
                .expectException(rejected(NOT_FOUND))
                .expectNoEvents();
    }
}
