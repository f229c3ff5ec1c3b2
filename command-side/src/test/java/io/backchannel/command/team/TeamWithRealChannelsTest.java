package io.backchannel.command.team;

import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.team.CreateTeamCommand;
import io.backchannel.api.team.JoinTeamCommand;
import io.backchannel.api.team.MemberJoinedTeamEvent;
import io.backchannel.api.team.TeamMembership;
import io.backchannel.command.channel.ChannelTestSupport;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.modelling.command.Repository;
import org.axonframework.modelling.command.RepositoryProvider;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A team join with the real collaborators instead of a stub: the real {@link ChannelMembership} asks the real
 * {@link TeamRoster}, which loads the team inside the same unit of work, and joins the real general Channel. This
 * proves the roster sees the member the team has just applied, and that the general channel's log continues at seq 1.
 */
class TeamWithRealChannelsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.250Z");
    private static final String TEAM = "team-1";
    private static final String GENERAL = "ch-general";

    private AggregateTestFixture<Team> fixture;
    private EmbeddedEventStore channelStore;

    @BeforeEach
    void setUp() {
        channelStore = EmbeddedEventStore.builder().storageEngine(new InMemoryEventStorageEngine()).build();
        RepositoryProvider channels = OtherAggregates.eventSourcedIn(channelStore);
        fixture = new AggregateTestFixture<>(Team.class);
        fixture.registerRepositoryProvider(channels);
        // The roster needs the team repository, which the fixture builds only once its resources are complete.
        TeamRoster roster = new TeamRoster(lazily(() -> fixture.getRepository()));
        fixture.registerInjectableResource(ChannelTestSupport.channelMembership(channels, roster));
        fixture.givenCurrentTime(NOW);
    }

    @AfterEach
    void tearDown() {
        channelStore.shutDown();
    }

    @Test
    void aNewTeamMemberJoinsTheGeneralChannelAtTheNextSeq() {
        fixture.givenCommands(new CreateTeamCommand(TEAM, "Acme", "alice", GENERAL))
                .when(new JoinTeamCommand(TEAM, "bob"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new MemberJoinedTeamEvent(TEAM, "bob", NOW))
                .expectResultMessagePayload(new TeamMembership(TEAM, "bob", GENERAL, 1L));

        assertThat(channelEvents(GENERAL)).containsExactly(
                new ChannelCreatedEvent(GENERAL, 0, NOW, TEAM, "general", false, "alice"),
                new MemberJoinedChannelEvent(GENERAL, 1, NOW, "bob"));
    }

    @Test
    void joiningTheTeamAgainAnswersTheSameGeneralJoinSeq() {
        fixture.givenCommands(new CreateTeamCommand(TEAM, "Acme", "alice", GENERAL), new JoinTeamCommand(TEAM, "bob"))
                .when(new JoinTeamCommand(TEAM, "bob"))
                .expectNoEvents()
                .expectResultMessagePayload(new TeamMembership(TEAM, "bob", GENERAL, 1L));

        assertThat(channelEvents(GENERAL)).hasSize(2);
    }

    @Test
    void theCreatorJoiningAnswersTheGeneralChannelsCreatedSeq() {
        fixture.givenCommands(new CreateTeamCommand(TEAM, "Acme", "alice", GENERAL))
                .when(new JoinTeamCommand(TEAM, "alice"))
                .expectNoEvents()
                .expectResultMessagePayload(new TeamMembership(TEAM, "alice", GENERAL, 0L));

        assertThat(channelEvents(GENERAL)).hasSize(1);
    }

    private List<Object> channelEvents(String channelId) {
        return OtherAggregates.payloadsOf(channelStore, channelId);
    }

    /** A repository that asks {@code target} for the real one on every call. */
    @SuppressWarnings("unchecked")
    private static Repository<Team> lazily(Supplier<Repository<Team>> target) {
        return (Repository<Team>) Proxy.newProxyInstance(Repository.class.getClassLoader(),
                new Class<?>[]{Repository.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(target.get(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
