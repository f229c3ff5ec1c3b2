package io.backchannel.command.team;

import io.backchannel.api.Rejection;
import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.team.ChannelNameReservedEvent;
import io.backchannel.api.team.CreateChannelCommand;
import io.backchannel.api.team.CreateTeamCommand;
import io.backchannel.api.team.JoinTeamCommand;
import io.backchannel.api.team.MemberJoinedTeamEvent;
import io.backchannel.api.team.TeamCreatedEvent;
import io.backchannel.api.team.TeamMembership;
import io.backchannel.command.channel.ChannelMembership;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;

import static io.backchannel.api.Rejection.Kind.CONFLICT;
import static io.backchannel.api.Rejection.Kind.FORBIDDEN;
import static io.backchannel.api.Rejection.Kind.INVALID;
import static io.backchannel.api.Rejection.Kind.NOT_FOUND;
import static io.backchannel.command.Refusals.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class TeamTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.250Z");
    private static final Instant EARLIER = Instant.parse("2026-02-01T08:00:00Z");
    private static final String TEAM = "team-1";
    private static final String GENERAL = "ch-general";

    private AggregateTestFixture<Team> fixture;
    private ChannelMembership channelMembership;
    /**
     * Where the channels a team opens (through {@code AggregateLifecycle.createNew}) are stored. The fixture's default
     * repository provider would create them too, but only as plain (non-domain) events mixed into the team's
     * published events; a real event-sourced repository on a store of their own puts them in the channel's own stream.
     */
    private EmbeddedEventStore channelStore;

    @BeforeEach
    void setUp() {
        channelStore = EmbeddedEventStore.builder().storageEngine(new InMemoryEventStorageEngine()).build();
        channelMembership = mock(ChannelMembership.class);
        fixture = new AggregateTestFixture<>(Team.class);
        fixture.registerRepositoryProvider(OtherAggregates.eventSourcedIn(channelStore));
        fixture.registerInjectableResource(channelMembership);
        fixture.givenCurrentTime(NOW);
    }

    @AfterEach
    void tearDown() {
        channelStore.shutDown();
    }

    // ---- CreateTeamCommand ----

    @Test
    void createTeamMakesTheCreatorAMemberAndReservesGeneral() {
        fixture.givenNoPriorActivity()
                .when(new CreateTeamCommand(TEAM, "Acme", "alice", GENERAL))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new TeamCreatedEvent(TEAM, "Acme", "alice", GENERAL, NOW),
                        new MemberJoinedTeamEvent(TEAM, "alice", NOW),
                        new ChannelNameReservedEvent(TEAM, GENERAL, "general", NOW));
    }

    @Test
    void createTeamOpensThePublicGeneralChannelWithTheCreatorAtSeqZero() {
        fixture.givenNoPriorActivity()
                .when(new CreateTeamCommand(TEAM, "Acme", "alice", GENERAL))
                .expectSuccessfulHandlerExecution();

        assertThat(channelEvents(GENERAL))
                .containsExactly(new ChannelCreatedEvent(GENERAL, 0, NOW, TEAM, "general", false, "alice"));
        // In the channel's own stream, at sequence number 0: the channel's seq is its event sequence number.
        DomainEventMessage<?> stored = channelStore.readEvents(GENERAL).next();
        assertThat(stored.getAggregateIdentifier()).isEqualTo(GENERAL);
        assertThat(stored.getSequenceNumber()).isZero();
    }

    @Test
    void createTeamAnswersTheTeamId() {
        fixture.givenNoPriorActivity()
                .when(new CreateTeamCommand(TEAM, "Acme", "alice", GENERAL))
                .expectResultMessagePayload(TEAM);
    }

    @Test
    void createTeamAcceptsANameOf100CodePoints() {
        String name = "\uD83D\uDE80".repeat(100); // 100 code points, 200 chars
        fixture.givenNoPriorActivity()
                .when(new CreateTeamCommand(TEAM, name, "alice", GENERAL))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new TeamCreatedEvent(TEAM, name, "alice", GENERAL, NOW),
                        new MemberJoinedTeamEvent(TEAM, "alice", NOW),
                        new ChannelNameReservedEvent(TEAM, GENERAL, "general", NOW));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t"})
    void createTeamRefusesABlankName(String name) {
        fixture.givenNoPriorActivity()
                .when(new CreateTeamCommand(TEAM, name, "alice", GENERAL))
                .expectException(rejected(INVALID))
                .expectExceptionMessage("team name must be 1-100 characters and not blank")
                .expectNoEvents();
        assertThat(channelEvents(GENERAL)).isEmpty();
    }

    @Test
    void createTeamRefusesANameOver100CodePoints() {
        fixture.givenNoPriorActivity()
                .when(new CreateTeamCommand(TEAM, "t".repeat(101), "alice", GENERAL))
                .expectException(rejected(INVALID))
                .expectNoEvents();
        assertThat(channelEvents(GENERAL)).isEmpty();
    }

    // ---- JoinTeamCommand ----

    @Test
    void joinTeamAddsTheMemberAndPlacesThemInGeneral() {
        when(channelMembership.join(GENERAL, TEAM, "bob", "bob")).thenReturn(1L);

        fixture.given(teamCreatedBy("alice"))
                .when(new JoinTeamCommand(TEAM, "bob"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new MemberJoinedTeamEvent(TEAM, "bob", NOW))
                .expectResultMessagePayload(new TeamMembership(TEAM, "bob", GENERAL, 1L));

        verify(channelMembership).join(GENERAL, TEAM, "bob", "bob");
    }

    @Test
    void joinTeamTwiceIsIdempotentAndAnswersTheSameMembership() {
        when(channelMembership.join(GENERAL, TEAM, "bob", "bob")).thenReturn(1L);

        fixture.given(teamCreatedBy("alice"))
                .andGiven(new MemberJoinedTeamEvent(TEAM, "bob", EARLIER))
                .when(new JoinTeamCommand(TEAM, "bob"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents()
                .expectResultMessagePayload(new TeamMembership(TEAM, "bob", GENERAL, 1L));

        verify(channelMembership).join(GENERAL, TEAM, "bob", "bob");
    }

    @Test
    void joinTeamIsUndoneWhenTheGeneralChannelRefusesTheMember() {
        when(channelMembership.join(GENERAL, TEAM, "bob", "bob"))
                .thenThrow(Rejection.notFound("no such channel").exception());

        fixture.given(teamCreatedBy("alice"))
                .when(new JoinTeamCommand(TEAM, "bob"))
                .expectException(rejected(NOT_FOUND))
                .expectNoEvents();
    }

    @Test
    void joinTeamByTheCreatorAddsNoSecondMembership() {
        when(channelMembership.join(GENERAL, TEAM, "alice", "alice")).thenReturn(0L);

        fixture.given(teamCreatedBy("alice"))
                .when(new JoinTeamCommand(TEAM, "alice"))
                .expectNoEvents()
                .expectResultMessagePayload(new TeamMembership(TEAM, "alice", GENERAL, 0L));
    }

    // ---- CreateChannelCommand ----

    @Test
    void createChannelByAMemberReservesTheNameAndOpensTheChannel() {
        fixture.given(teamCreatedBy("alice"))
                .when(new CreateChannelCommand(TEAM, "ch-random", "random", false, "alice"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new ChannelNameReservedEvent(TEAM, "ch-random", "random", NOW))
                .expectResultMessagePayload(0L);

        assertThat(channelEvents("ch-random"))
                .containsExactly(new ChannelCreatedEvent("ch-random", 0, NOW, TEAM, "random", false, "alice"));
    }

    @Test
    void createPrivateChannelOpensAPrivateChannelWithTheCreatorAsMember() {
        fixture.given(teamCreatedBy("alice"))
                .andGiven(new MemberJoinedTeamEvent(TEAM, "bob", EARLIER))
                .when(new CreateChannelCommand(TEAM, "ch-secret", "secret", true, "bob"))
                .expectEvents(new ChannelNameReservedEvent(TEAM, "ch-secret", "secret", NOW));

        assertThat(channelEvents("ch-secret"))
                .containsExactly(new ChannelCreatedEvent("ch-secret", 0, NOW, TEAM, "secret", true, "bob"));
    }

    @Test
    void createChannelByANonMemberIsForbidden() {
        fixture.given(teamCreatedBy("alice"))
                .when(new CreateChannelCommand(TEAM, "ch-random", "random", false, "mallory"))
                .expectException(rejected(FORBIDDEN))
                .expectNoEvents();
        assertThat(channelEvents("ch-random")).isEmpty();
    }

    @Test
    void createChannelWithATakenNameIsAConflict() {
        fixture.given(teamCreatedBy("alice"))
                .andGiven(new ChannelNameReservedEvent(TEAM, "ch-random", "random", EARLIER))
                .when(new CreateChannelCommand(TEAM, "ch-random-2", "random", false, "alice"))
                .expectException(rejected(CONFLICT))
                .expectNoEvents();
        assertThat(channelEvents("ch-random-2")).isEmpty();
    }

    @Test
    void createChannelNamedGeneralIsAConflictBecauseTheTeamAlreadyHasOne() {
        fixture.given(teamCreatedBy("alice"))
                .when(new CreateChannelCommand(TEAM, "ch-2", "general", false, "alice"))
                .expectException(rejected(CONFLICT))
                .expectNoEvents();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"Random", "has space", "dots.not.allowed", "#random", "caf\u00e9"})
    void createChannelWithAnInvalidNameIsRefused(String name) {
        fixture.given(teamCreatedBy("alice"))
                .when(new CreateChannelCommand(TEAM, "ch-x", name, false, "alice"))
                .expectException(rejected(INVALID))
                .expectExceptionMessage("channel name must match ^[a-z0-9_-]{1,80}$")
                .expectNoEvents();
        assertThat(channelEvents("ch-x")).isEmpty();
    }

    @Test
    void createChannelRefusesANameOf81Characters() {
        fixture.given(teamCreatedBy("alice"))
                .when(new CreateChannelCommand(TEAM, "ch-x", "a".repeat(81), false, "alice"))
                .expectException(rejected(INVALID))
                .expectNoEvents();
    }

    @Test
    void createChannelAcceptsANameOf80Characters() {
        String name = "a-_0".repeat(20);
        fixture.given(teamCreatedBy("alice"))
                .when(new CreateChannelCommand(TEAM, "ch-long", name, false, "alice"))
                .expectEvents(new ChannelNameReservedEvent(TEAM, "ch-long", name, NOW));
    }

    // ---- helpers ----

    private static List<Object> teamCreatedBy(String creator) {
        return List.of(new TeamCreatedEvent(TEAM, "Acme", creator, GENERAL, EARLIER),
                new MemberJoinedTeamEvent(TEAM, creator, EARLIER),
                new ChannelNameReservedEvent(TEAM, GENERAL, "general", EARLIER));
    }

    private List<Object> channelEvents(String channelId) {
        return OtherAggregates.payloadsOf(channelStore, channelId);
    }
}
