package io.backchannel.gateway.boot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.backchannel.api.RejectedException;
import io.backchannel.api.channel.ChannelAccess;
import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.team.FollowTeamIdsQuery;
import io.backchannel.api.team.FollowTeamQuery;
import io.backchannel.api.team.TeamDirectory;
import io.backchannel.api.team.TeamIds;
import io.backchannel.api.team.TeamUpdate;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.stream.ChannelLog;
import io.backchannel.gateway.stream.StreamProperties;
import org.axonframework.queryhandling.DefaultSubscriptionQueryResult;
import org.axonframework.queryhandling.SubscriptionQueryResult;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * Read-your-writes for a team's writer: the projections store a team, its members and its channels in
 * separate writes, so a cache may load a team between them. Whoever just created or joined it must
 * still boot into it at once. And the standing in a channel, answered from memory for teams held here.
 */
class BootCacheTest {

    private static final String TEAM = "T1";
    private static final String GENERAL = "C1";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final AxonClient axon = mock(AxonClient.class);
    private final ChannelLog channelLog = mock(ChannelLog.class);
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
    private final BootCache cache = new BootCache(axon, channelLog, new BootProperties(64, 1, false),
            new StreamProperties(16, 64, Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(30),
                    WAIT, 200, 10), json);
    private final Caller alice = new Caller("alice", "alice", "Alice");

    @Test
    void theCreatorBootsIntoATeamLoadedBeforeTheProjectionsStoredThemAsAMember() throws IOException {
        directories(new TeamDirectory(TEAM, "Acme", List.of(), List.of(GENERAL), List.of()));
        generalCreatedBy("alice");

        StepVerifier.create(cache.awaitMember(TEAM, "alice", GENERAL, 0)).expectComplete().verify(WAIT);

        JsonNode boot = bootOf(alice);
        assertThat(boot.path("team").path("memberCount").asLong()).isEqualTo(1);
        assertThat(boot.path("channels").get(0).path("channelId").asText()).isEqualTo(GENERAL);
        assertThat(boot.path("channels").get(0).path("isMember").asBoolean()).isTrue();
    }

    @Test
    void aTeamTheProjectionsDoNotShowYetIsLookedUpAgainUntilTheyDo() throws IOException {
        AtomicInteger lookups = new AtomicInteger();
        when(axon.subscribe(any(FollowTeamQuery.class), eq(TeamDirectory.class), eq(TeamUpdate.class), anyInt()))
                .thenAnswer(invocation -> Mono.just(lookups.incrementAndGet() < 3
                        ? subscription(null)
                        : subscription(new TeamDirectory(TEAM, "Acme", List.of("alice"), List.of(GENERAL), List.of()))));
        generalCreatedBy("alice");

        StepVerifier.create(cache.awaitMember(TEAM, "alice", GENERAL, 0)).expectComplete().verify(WAIT);

        assertThat(lookups).hasValue(3);
        assertThat(bootOf(alice).path("team").path("teamId").asText()).isEqualTo(TEAM);
    }

    @Test
    void anotherUserStillCannotBootATeamTheyAreNotIn() {
        directories(new TeamDirectory(TEAM, "Acme", List.of("alice"), List.of(GENERAL), List.of()));
        generalCreatedBy("alice");
        StepVerifier.create(cache.awaitMember(TEAM, "alice", GENERAL, 0)).expectComplete().verify(WAIT);

        StepVerifier.create(cache.boot(TEAM, new Caller("mallory", "mallory", "Mallory")))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(RejectedException.class)
                        .hasMessageContaining("not a member"))
                .verify(WAIT);
    }

    @Test
    void aChannelsAccessIsAnsweredFromATeamHeldHereAndFollowsItsUpdates() {
        Sinks.Many<TeamUpdate> updates = followedTeamOfAliceAndBob();
        StepVerifier.create(cache.access(GENERAL, "alice")).expectComplete().verify(WAIT); // no team held yet
        StepVerifier.create(cache.awaitMember(TEAM, "alice", GENERAL, 0)).expectComplete().verify(WAIT);

        StepVerifier.create(cache.access(GENERAL, "alice"))
                .expectNext(new ChannelAccess(new ChannelView(GENERAL, TEAM, "general", false, 1, 0), true, true))
                .expectComplete().verify(WAIT);
        StepVerifier.create(cache.access(GENERAL, "mallory"))
                .expectNextMatches(access -> !access.teamMember() && !access.channelMember())
                .expectComplete().verify(WAIT);
        StepVerifier.create(cache.access("C-unknown", "alice")).expectComplete().verify(WAIT);

        // A private channel created, and later left by its creator: its access follows both.
        updates.tryEmitNext(TeamUpdate.of(TEAM, new ChannelCreatedEvent("C2", 0, Instant.now(), TEAM, "secret", true, "bob")));
        StepVerifier.create(cache.access("C2", "alice").repeatWhenEmpty(tries -> tries.delayElements(Duration.ofMillis(10))))
                .expectNext(new ChannelAccess(new ChannelView("C2", TEAM, "secret", true, 1, 0), true, false))
                .expectComplete().verify(WAIT);
        updates.tryEmitNext(TeamUpdate.of(TEAM, new MemberLeftChannelEvent("C2", 1, Instant.now(), "bob")));
        StepVerifier.create(cache.awaitApplied(TEAM, "C2", 1)).expectComplete().verify(WAIT);
        StepVerifier.create(cache.access("C2", "bob"))
                .expectNextMatches(access -> access.teamMember() && !access.channelMember())
                .expectComplete().verify(WAIT);
    }

    @Test
    void aChannelWhoseCreationTheUpdatesLostIsStillAnsweredFromMemory() {
        Sinks.Many<TeamUpdate> updates = followedTeamOfAliceAndBob();
        StepVerifier.create(cache.hold(TEAM)).expectComplete().verify(WAIT);
        when(channelLog.between("C2", -1, 0)).thenReturn(Flux.just(List.of(
                new ChannelCreatedEvent("C2", 0, Instant.now(), TEAM, "late", false, "bob"))));

        updates.tryEmitNext(TeamUpdate.of(TEAM, new MemberJoinedChannelEvent("C2", 1, Instant.now(), "alice")));

        StepVerifier.create(cache.access("C2", "alice").repeatWhenEmpty(tries -> tries.delayElements(Duration.ofMillis(10))))
                .expectNext(new ChannelAccess(new ChannelView("C2", TEAM, "late", false, 2, 1), true, true))
                .expectComplete().verify(WAIT);
    }

    @Test
    void aUserHearsOfEveryChannelTheyBecomeAMemberOfAndNoOneElseDoes() {
        Sinks.Many<TeamUpdate> updates = followedTeamOfAliceAndBob();
        StepVerifier.create(cache.hold(TEAM)).expectComplete().verify(WAIT);

        StepVerifier.create(cache.joins("bob").take(2))
                .then(() -> {
                    updates.tryEmitNext(TeamUpdate.of(TEAM, new ChannelCreatedEvent("C2", 0, Instant.now(), TEAM, "secret", true, "alice")));
                    updates.tryEmitNext(TeamUpdate.of(TEAM, new MemberJoinedChannelEvent("C2", 1, Instant.now(), "bob")));
                    updates.tryEmitNext(TeamUpdate.of(TEAM, new ChannelCreatedEvent("C3", 0, Instant.now(), TEAM, "mine", false, "bob")));
                })
                .expectNext(new BootCache.ChannelJoin(TEAM, "C2", 1), new BootCache.ChannelJoin(TEAM, "C3", 0))
                .expectComplete()
                .verify(WAIT);
        // A listener hears only what is applied after it listens: Alice's creation of C2 is not replayed.
        StepVerifier.create(cache.joins("alice").take(Duration.ofMillis(200))).expectComplete().verify(WAIT);
    }

    @Test
    void everyTeamIsHeldHereThoseThereAreAtStartUpAndThoseCreatedSinceOnAnyNode() {
        Sinks.Many<TeamIds> created = Sinks.many().unicast().onBackpressureBuffer();
        when(axon.subscribe(any(FollowTeamIdsQuery.class), eq(TeamIds.class), eq(TeamIds.class), anyInt()))
                .thenReturn(Mono.just(new DefaultSubscriptionQueryResult<>(Mono.just(new TeamIds(List.of("T0"))),
                        created.asFlux(), () -> true)));
        teamsWithAGeneralChannelOfAlice();

        cache.warm();
        assertThat(cache.health().getStatus()).isEqualTo(Status.UP);
        StepVerifier.create(cache.access("G-T0", "alice")).expectNextCount(1).expectComplete().verify(WAIT);
        StepVerifier.create(cache.access("G-T1", "alice")).expectComplete().verify(WAIT); // not created yet

        created.tryEmitNext(new TeamIds(List.of("T1"))); // created later, maybe through another node

        StepVerifier.create(cache.access("G-T1", "alice").repeatWhenEmpty(tries -> tries.delayElements(Duration.ofMillis(10))))
                .expectNextMatches(access -> access.channelMember())
                .expectComplete().verify(WAIT);
    }

    @Test
    void theTeamIdsAreAskedAgainWhenTheBusFailsOrEndsThemSoNoTeamCreatedMeanwhileIsMissed() {
        Sinks.Many<TeamIds> firstUpdates = Sinks.many().unicast().onBackpressureBuffer();
        AtomicInteger asked = new AtomicInteger();
        when(axon.subscribe(any(FollowTeamIdsQuery.class), eq(TeamIds.class), eq(TeamIds.class), anyInt()))
                .thenAnswer(invocation -> switch (asked.incrementAndGet()) {
                    case 1 -> Mono.error(new IllegalStateException("no query side yet"));
                    case 2 -> Mono.just(new DefaultSubscriptionQueryResult<>(Mono.just(new TeamIds(List.of("T0"))),
                            firstUpdates.asFlux(), () -> true));
                    default -> Mono.just(new DefaultSubscriptionQueryResult<>(
                            Mono.just(new TeamIds(List.of("T0", "T1"))), Flux.<TeamIds>never(), () -> true));
                });
        teamsWithAGeneralChannelOfAlice();

        cache.warm();
        StepVerifier.create(cache.access("G-T0", "alice").repeatWhenEmpty(tries -> tries.delayElements(Duration.ofMillis(10))))
                .expectNextCount(1).expectComplete().verify(WAIT);
        firstUpdates.tryEmitComplete(); // the bus lost the subscription; T1 is created meanwhile

        StepVerifier.create(cache.access("G-T1", "alice").repeatWhenEmpty(tries -> tries.delayElements(Duration.ofMillis(10))))
                .expectNextCount(1).expectComplete().verify(WAIT);
        assertThat(asked).hasValue(3);
    }

    @Test
    void aTeamWhoseUpdatesEndLoadsAgainAtOnceAndAnnouncesEachJoinOnce() {
        List<Sinks.Many<TeamUpdate>> loads = teamOfAliceAndBobLoadedWith(List.of(GENERAL), List.of(GENERAL, "C2", "C3"));
        StepVerifier.create(cache.hold(TEAM)).expectComplete().verify(WAIT);

        StepVerifier.create(cache.joins("bob"))
                .then(() -> loads.get(0).tryEmitNext(
                        TeamUpdate.of(TEAM, new MemberJoinedChannelEvent(GENERAL, 1, Instant.now(), "bob"))))
                .expectNext(new BootCache.ChannelJoin(TEAM, GENERAL, 1))
                .then(() -> {
                    // Away: Bob is added to C2, and joins and leaves C3. The projections are being rebuilt: the
                    // reload finds general without Bob's join yet, and the replay's updates bring it again.
                    log(GENERAL, created(GENERAL, "alice"));
                    log("C2", created("C2", "alice"), new MemberJoinedChannelEvent("C2", 1, Instant.now(), "bob"));
                    log("C3", created("C3", "alice"), new MemberJoinedChannelEvent("C3", 1, Instant.now(), "bob"),
                            new MemberLeftChannelEvent("C3", 2, Instant.now(), "bob"));
                    loads.get(0).tryEmitComplete();
                })
                .expectNext(new BootCache.ChannelJoin(TEAM, "C2", 1))
                .then(() -> {
                    loads.get(1).tryEmitNext(TeamUpdate.of(TEAM, new MemberJoinedChannelEvent(GENERAL, 1, Instant.now(), "bob")));
                    loads.get(1).tryEmitNext(TeamUpdate.of(TEAM, created("C4", "bob")));
                })
                .expectNext(new BootCache.ChannelJoin(TEAM, "C4", 0))
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void aTeamStreamsMembershipsAreItsChannelsThenEveryJoinEvenAcrossAReload() {
        List<Sinks.Many<TeamUpdate>> loads = teamOfAliceAndBobLoadedWith(List.of(GENERAL), List.of(GENERAL, "C2"));
        log(GENERAL, created(GENERAL, "alice"), new MemberJoinedChannelEvent(GENERAL, 1, Instant.now(), "bob"),
                new MessagePostedEvent(GENERAL, 2, Instant.now(), "M1", "m-1", "alice", "hello", null));

        StepVerifier.create(cache.memberships(TEAM, new Caller("mallory", "mallory", "Mallory")))
                .expectErrorSatisfies(error -> assertThat(error).hasMessageContaining("not a member"))
                .verify(WAIT);
        StepVerifier.create(cache.memberships(TEAM, new Caller("bob", "bob", "Bob")).flatMapMany(joins -> joins))
                .expectNext(new BootCache.Membership(GENERAL, 2, false))
                .then(() -> {
                    log("C2", created("C2", "alice"), new MemberJoinedChannelEvent("C2", 1, Instant.now(), "bob"));
                    loads.get(0).tryEmitComplete();
                })
                .expectNext(new BootCache.Membership("C2", 1, true))
                .then(() -> loads.get(1).tryEmitNext(TeamUpdate.of(TEAM, created("C3", "bob"))))
                .expectNext(new BootCache.Membership("C3", 0, true))
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void droppedTeamsLoadAgainAsManyAtOnceAsTheWarmUpLoads() {
        // A rebuild ends every team's updates at once; the cache here warms one team at a time.
        List<String> loadsAsked = new CopyOnWriteArrayList<>();
        List<Sinks.Many<TeamUpdate>> firstLoads = new CopyOnWriteArrayList<>();
        when(axon.subscribe(any(FollowTeamQuery.class), eq(TeamDirectory.class), eq(TeamUpdate.class), anyInt()))
                .thenAnswer(invocation -> {
                    String teamId = invocation.<FollowTeamQuery>getArgument(0).teamId();
                    boolean first = !loadsAsked.contains(teamId);
                    loadsAsked.add(teamId);
                    if (!first) { // the projections being rebuilt do not show the team yet
                        return Mono.just(new DefaultSubscriptionQueryResult<>(Mono.<TeamDirectory>never(),
                                Flux.<TeamUpdate>never(), () -> true));
                    }
                    Sinks.Many<TeamUpdate> updates = Sinks.many().unicast().onBackpressureBuffer();
                    firstLoads.add(updates);
                    return Mono.just(new DefaultSubscriptionQueryResult<>(
                            Mono.just(new TeamDirectory(teamId, "Acme", List.of("alice"), List.of(), List.of())),
                            updates.asFlux(), () -> true));
                });
        StepVerifier.create(cache.hold("T1").then(cache.hold("T2"))).expectComplete().verify(WAIT);

        firstLoads.forEach(Sinks.Many::tryEmitComplete);

        assertThat(loadsAsked).containsExactly("T1", "T2", "T1");
    }

    /**
     * Alice's team with Bob in it, whose updates end whenever a test completes their sink: the first load
     * shows the first channels, every later one the others.
     */
    private List<Sinks.Many<TeamUpdate>> teamOfAliceAndBobLoadedWith(List<String> first, List<String> later) {
        List<Sinks.Many<TeamUpdate>> loads = new CopyOnWriteArrayList<>();
        when(axon.subscribe(any(FollowTeamQuery.class), eq(TeamDirectory.class), eq(TeamUpdate.class), anyInt()))
                .thenAnswer(invocation -> {
                    Sinks.Many<TeamUpdate> updates = Sinks.many().unicast().onBackpressureBuffer();
                    List<String> channels = loads.isEmpty() ? first : later;
                    loads.add(updates);
                    return Mono.just(new DefaultSubscriptionQueryResult<>(
                            Mono.just(new TeamDirectory(TEAM, "Acme", List.of("alice", "bob"), channels, List.of())),
                            updates.asFlux(), () -> true));
                });
        generalCreatedBy("alice");
        return loads;
    }

    private void log(String channelId, ChannelEvent... events) {
        when(channelLog.after(channelId, -1)).thenReturn(Flux.just(List.of(events)));
    }

    private static ChannelCreatedEvent created(String channelId, String userId) {
        return new ChannelCreatedEvent(channelId, 0, Instant.now(), TEAM, channelId.toLowerCase(), false, userId);
    }

    /** Any team asked for is Alice's, with its general channel G-{teamId}. */
    private void teamsWithAGeneralChannelOfAlice() {
        when(axon.subscribe(any(FollowTeamQuery.class), eq(TeamDirectory.class), eq(TeamUpdate.class), anyInt()))
                .thenAnswer(invocation -> {
                    String teamId = invocation.<FollowTeamQuery>getArgument(0).teamId();
                    String general = "G-" + teamId;
                    when(channelLog.after(general, -1)).thenReturn(Flux.just(List.of(
                            new ChannelCreatedEvent(general, 0, Instant.now(), teamId, "general", false, "alice"))));
                    return Mono.just(subscription(new TeamDirectory(teamId, "Acme", List.of("alice"), List.of(general),
                            List.of())));
                });
    }

    /** Alice's team, with Bob in it and Alice's general channel; its later updates are the sink's. */
    private Sinks.Many<TeamUpdate> followedTeamOfAliceAndBob() {
        Sinks.Many<TeamUpdate> updates = Sinks.many().unicast().onBackpressureBuffer();
        when(axon.subscribe(any(FollowTeamQuery.class), eq(TeamDirectory.class), eq(TeamUpdate.class), anyInt()))
                .thenAnswer(invocation -> Mono.just(new DefaultSubscriptionQueryResult<>(
                        Mono.just(new TeamDirectory(TEAM, "Acme", List.of("alice", "bob"), List.of(GENERAL), List.of())),
                        updates.asFlux(), () -> true)));
        generalCreatedBy("alice");
        return updates;
    }

    private void directories(TeamDirectory directory) {
        when(axon.subscribe(any(FollowTeamQuery.class), eq(TeamDirectory.class), eq(TeamUpdate.class), anyInt()))
                .thenAnswer(invocation -> Mono.just(subscription(directory)));
    }

    private void generalCreatedBy(String userId) {
        when(channelLog.after(GENERAL, -1)).thenReturn(Flux.just(List.of(
                new ChannelCreatedEvent(GENERAL, 0, Instant.now(), TEAM, "general", false, userId))));
    }

    private static SubscriptionQueryResult<TeamDirectory, TeamUpdate> subscription(TeamDirectory directory) {
        return new DefaultSubscriptionQueryResult<>(Mono.justOrEmpty(directory), Flux.never(), () -> true);
    }

    private JsonNode bootOf(Caller caller) throws IOException {
        byte[] boot = cache.boot(TEAM, caller).block(WAIT);
        return json.readTree(boot);
    }
}
