package io.backchannel.gateway.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.api.RejectedException;
import io.backchannel.api.Rejection;
import io.backchannel.api.channel.ChannelAccess;
import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.team.BootView;
import io.backchannel.api.team.FollowTeamIdsQuery;
import io.backchannel.api.team.FollowTeamQuery;
import io.backchannel.api.team.TeamDirectory;
import io.backchannel.api.team.TeamIds;
import io.backchannel.api.team.TeamUpdate;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.stream.ChannelLog;
import io.backchannel.gateway.stream.StreamProperties;
import org.axonframework.queryhandling.SubscriptionQueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * The Flannel cache of this gateway node: every team it has loaded, kept current by the team's updates,
 * so a boot is answered from memory without touching the projections; so are the access checks of
 * resumed subscriptions, and each user hears of the channels they join. Every team loads: those there
 * are at start-up, each one created since on any node, and any other on the first use that names it. A
 * team whose updates break is dropped and loads again at once, so the cache is never silently stale.
 */
@Component("bootCache")
@EnableConfigurationProperties(BootProperties.class)
public class BootCache implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(BootCache.class);
    /** Tries at loading a dropped team again, 5 s apart at most: some eight minutes. */
    private static final int RELOAD_ATTEMPTS = 100;

    private final AxonClient axon;
    private final ChannelLog channelLog;
    private final BootProperties properties;
    private final StreamProperties streamProperties;
    private final ObjectMapper json;
    private final ConcurrentMap<String, Mono<TeamState>> teams = new ConcurrentHashMap<>();
    /** The team of every channel this node has seen in a team it loaded; a channel never changes team. */
    private final ConcurrentMap<String, String> channelTeams = new ConcurrentHashMap<>();
    /** Who listens for their own joins: one per open connection of a user. */
    private final ConcurrentMap<String, Set<Consumer<ChannelJoin>>> joinListeners = new ConcurrentHashMap<>();
    /** Where each dropped team's channels stood in what its loads had announced, until it loads again. */
    private final ConcurrentMap<String, Map<String, Long>> announcedBeforeDrop = new ConcurrentHashMap<>();
    private final Sinks.Many<String> dropped = Sinks.many().unicast().onBackpressureBuffer();
    private volatile boolean warm;
    private volatile boolean closing;

    BootCache(AxonClient axon, ChannelLog channelLog, BootProperties properties, StreamProperties streamProperties,
              ObjectMapper json) {
        this.axon = axon;
        this.channelLog = channelLog;
        this.properties = properties;
        this.streamProperties = streamProperties;
        this.json = json;
        reloadDroppedTeams();
    }

    /** The caller's boot as JSON, {@link BootView}'s shape. */
    public Mono<byte[]> boot(String teamId, Caller caller) {
        return team(teamId).map(team -> team.boot(caller, json));
    }

    public Mono<Boolean> isMember(String teamId, String userId) {
        return team(teamId).map(team -> team.isMember(userId));
    }

    /**
     * The channels {@code caller} is a member of in the team, each where it stands now, then every channel
     * they join in it as this node applies the join: how a team stream starts and follows memberships. It
     * outlives a reload of the team. A join applied while the channels are read shows in both.
     */
    public Mono<Flux<Membership>> memberships(String teamId, Caller caller) {
        return team(teamId).map(team -> {
            if (!team.isMember(caller.userId())) {
                throw Rejection.forbidden("you are not a member of this team").exception();
            }
            return Flux.create(sink -> {
                // Listening first, then the channels: a join between the two shows in both, never in neither.
                sink.onDispose(listen(caller.userId(), join -> {
                    if (join.teamId().equals(teamId)) {
                        sink.next(new Membership(join.channelId(), join.seq(), true));
                    }
                }));
                team.memberChannels(caller.userId())
                        .forEach((channelId, seq) -> sink.next(new Membership(channelId, seq, false)));
            });
        });
    }

    /**
     * A channel of a team stream's caller: one they were in when the stream opened, at the seq it stood at
     * then, or one they joined since ({@code joined}), at the seq of that join.
     */
    public record Membership(String channelId, long seq, boolean joined) {
    }

    /**
     * The user's standing in a channel whose team this node holds, or empty when it holds no such team
     * (ask the projections). It is as current as a boot: this node's own membership and channel writes
     * answer only once it shows them. A reconnect storm asks this thousands of times at once.
     */
    public Mono<ChannelAccess> access(String channelId, String userId) {
        return Mono.defer(() -> {
            String teamId = channelTeams.get(channelId);
            Mono<TeamState> team = teamId == null ? null : teams.get(teamId);
            return team == null ? Mono.empty()
                    : team.mapNotNull(loaded -> loaded.access(channelId, userId)).onErrorResume(error -> Mono.empty());
        });
    }

    /** Loads the team on this node if it is not yet, so its changes reach this node's connections. */
    public Mono<Void> hold(String teamId) {
        return team(teamId).onErrorResume(error -> Mono.empty()).then();
    }

    /** A user became a member of a channel (added, joined, or created it) at {@code seq}. */
    public record ChannelJoin(String teamId, String channelId, long seq) {
    }

    /**
     * Every channel {@code userId} becomes a member of from now on, in the teams this node holds, as this
     * node applies it: how a WebSocket learns of a channel it was added to, which it does not follow yet.
     */
    public Flux<ChannelJoin> joins(String userId) {
        // Every open WebSocket holds one of these: no buffer (its listener takes all).
        return Flux.create(sink -> sink.onDispose(listen(userId, sink::next)), FluxSink.OverflowStrategy.IGNORE);
    }

    /** Hands every join of {@code userId} to {@code listener} until the returned handle is disposed. */
    private Disposable listen(String userId, Consumer<ChannelJoin> listener) {
        // A copy-on-write set: written once per connection, read once per join.
        joinListeners.compute(userId, (id, listeners) -> {
            Set<Consumer<ChannelJoin>> all = listeners == null ? new CopyOnWriteArraySet<>() : listeners;
            all.add(listener);
            return all;
        });
        return () -> joinListeners.computeIfPresent(userId, (id, listeners) -> {
            listeners.remove(listener);
            return listeners.isEmpty() ? null : listeners;
        });
    }

    /**
     * Completes once this node's cache shows the channel at {@code seq}, so a client that boots right
     * after its own write sees it. Teams this node has not loaded need no wait: they load fresh.
     */
    public Mono<Void> awaitApplied(String teamId, String channelId, long seq) {
        Mono<TeamState> loaded = teams.get(teamId);
        return loaded == null ? Mono.empty()
                : loaded.flatMap(team -> team.awaitApplied(channelId, seq, streamProperties.readYourWrites()));
    }

    /**
     * Completes once this node's cache can boot {@code userId}, whose own write (creating the team, or
     * joining it) just made them a member with the general channel at {@code generalSeq}: a client boots
     * right after that write. The member is applied at once, since the write is stored; the same update
     * arriving later changes nothing. The team itself may trail the write by a batch of the projections,
     * so a team not found yet is looked up again. Gives up quietly after the wait.
     */
    public Mono<Void> awaitMember(String teamId, String userId, String generalChannelId, long generalSeq) {
        Duration wait = streamProperties.readYourWrites();
        return teamOnceShown(teamId)
                .flatMap(team -> {
                    team.joined(userId);
                    return team.awaitApplied(generalChannelId, generalSeq, wait);
                })
                .onErrorResume(error -> Mono.empty());
    }

    public void markerMoved(String teamId, TeamDirectory.ReadMarker marker) {
        loaded(teamId).subscribe(team -> team.marker(marker));
    }

    /**
     * Holds every team: those there are at start-up, and each one created later on whichever node, so that
     * this node's connections hear of their users' joins in it as well. Should the team ids' updates end (the
     * bus lost), they are asked again, with the teams there are by then.
     */
    @EventListener(ApplicationReadyEvent.class)
    void warm() {
        Mono.defer(() -> axon.subscribe(new FollowTeamIdsQuery(), TeamIds.class, TeamIds.class, properties.updateBuffer()))
                .flatMapMany(subscription -> Flux.concat(
                                subscription.initialResult()
                                        .flatMapMany(ids -> Flux.fromIterable(ids.teamIds()))
                                        .flatMap(this::hold, properties.warmConcurrency())
                                        .doFinally(signal -> warm = true),
                                subscription.updates()
                                        .flatMapIterable(TeamIds::teamIds)
                                        .flatMap(teamId -> teamOnceShown(teamId).onErrorResume(error -> Mono.empty()).then(),
                                                properties.warmConcurrency()))
                        .doFinally(signal -> close(subscription, "team ids")))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
                        .filter(error -> !closing)
                        .doBeforeRetry(retry -> {
                            warm = true; // as warm as it gets for now: boots load their teams themselves
                            log.warn("team ids unavailable; asking again", retry.failure());
                        }))
                .repeatWhen(ended -> ended.takeWhile(end -> !closing).delayElements(Duration.ofSeconds(1)))
                .subscribe();
    }

    /** Before the buses stop: the subscriptions they end then are not teams to load again. */
    @EventListener(ContextClosedEvent.class)
    void closing() {
        closing = true;
    }

    @Override
    public Health health() {
        return (warm ? Health.up() : Health.outOfService()).withDetail("teams", teams.size()).build();
    }

    private Mono<TeamState> loaded(String teamId) {
        Mono<TeamState> team = teams.get(teamId);
        return team == null ? Mono.empty() : team;
    }

    /**
     * The team just written (created, or joined): the projections store a team in a batch of their own, so
     * one not found yet is looked up again, for as long as a write waits for them to show it.
     */
    private Mono<TeamState> teamOnceShown(String teamId) {
        return Mono.defer(() -> team(teamId))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200))
                        .filter(RejectedException.class::isInstance))
                .timeout(streamProperties.readYourWrites());
    }

    private Mono<TeamState> team(String teamId) {
        return teams.computeIfAbsent(teamId, id -> load(id)
                .switchIfEmpty(Mono.error(() -> Rejection.notFound("no such team").exception()))
                .doOnError(error -> teams.remove(id))
                .cache(team -> Duration.ofMillis(Long.MAX_VALUE), error -> Duration.ZERO, () -> Duration.ZERO));
    }

    /** Subscribes to the team's updates first, then folds its channels' logs; updates wait meanwhile. */
    private Mono<TeamState> load(String teamId) {
        return axon.subscribe(new FollowTeamQuery(teamId), TeamDirectory.class, TeamUpdate.class,
                        properties.updateBuffer())
                .flatMap(subscription -> subscription.initialResult()
                        .flatMap(directory -> {
                            TeamState team = new TeamState(directory);
                            directory.channelIds().forEach(channelId -> channelTeams.put(channelId, teamId));
                            return Flux.fromIterable(directory.channelIds())
                                    .flatMap(channelId -> channelLog.after(channelId, -1), 4)
                                    .doOnNext(run -> run.forEach(team::apply))
                                    .then(Mono.fromRunnable(() -> follow(team, subscription)))
                                    .thenReturn(team);
                        })
                        .switchIfEmpty(Mono.fromRunnable(subscription::close))
                        .doOnError(error -> subscription.close()));
    }

    private void follow(TeamState team, SubscriptionQueryResult<TeamDirectory, TeamUpdate> subscription) {
        // Joins are announced once each: a load after a drop announces those made while the team was away,
        // and none that an earlier load announced, not even the old ones a projection rebuild sends again.
        Map<String, Long> before = announcedBeforeDrop.remove(team.teamId());
        Map<String, Long> announced = before == null ? team.positions() : before;
        if (before != null) {
            team.joinsAfter(before, this::announce);
        }
        Disposable joins = team.appliedEvents()
                .filter(event -> event.seq() > announced.getOrDefault(event.channelId(), -1L))
                .subscribe(event -> announceJoin(team.teamId(), event));
        subscription.updates()
                .concatMap(update -> apply(team, update))
                // Updates end when they break, or when the query side ends them (a projection rebuild does, on
                // every node): the team is forgotten, then loads again.
                .doFinally(signal -> {
                    joins.dispose();
                    Map<String, Long> announcedNow = new HashMap<>(announced);
                    team.positions().forEach((channelId, seq) -> announcedNow.merge(channelId, seq, Math::max));
                    announcedBeforeDrop.put(team.teamId(), announcedNow);
                    teams.remove(team.teamId());
                    close(subscription, team.teamId());
                    if (!closing) {
                        dropped.emitNext(team.teamId(), Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
                    }
                })
                .subscribe(applied -> { }, error -> log.warn("dropping team {} from the boot cache", team.teamId(), error));
    }

    /**
     * Loads dropped teams again without waiting for their next boot, as many at once as the warm-up does (a
     * rebuild drops them all): their members' connections are open, and hear of their joins only from a
     * team this node holds. During a rebuild the projections may not show a team for a while, hence the
     * retries.
     */
    private void reloadDroppedTeams() {
        dropped.asFlux()
                .flatMap(teamId -> Mono.defer(() -> team(teamId))
                        .retryWhen(Retry.backoff(RELOAD_ATTEMPTS, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5))
                                .filter(error -> !closing))
                        .onErrorResume(error -> {
                            if (!closing) {
                                log.warn("team {} could not be loaded again; it loads on its next use", teamId, error);
                            }
                            return Mono.empty();
                        }), properties.warmConcurrency())
                .subscribe();
    }

    private static void close(SubscriptionQueryResult<?, ?> subscription, String of) {
        try {
            subscription.close();
        } catch (RuntimeException alreadyEnded) {
            // The local bus refuses to close a subscription the emitter has already completed.
            log.debug("subscription of {} already ended", of, alreadyEnded);
        }
    }

    private void announceJoin(String teamId, ChannelEvent event) {
        String userId = event instanceof MemberJoinedChannelEvent joined ? joined.userId()
                : event instanceof ChannelCreatedEvent created ? created.userId() : null;
        if (userId != null) {
            announce(userId, new ChannelJoin(teamId, event.channelId(), event.seq()));
        }
    }

    private void announce(String userId, ChannelJoin join) {
        Set<Consumer<ChannelJoin>> listeners = joinListeners.get(userId);
        if (listeners != null) {
            listeners.forEach(listener -> listener.accept(join));
        }
    }

    private Mono<Void> apply(TeamState team, TeamUpdate update) {
        if (update.joinedUserId() != null) {
            team.joined(update.joinedUserId());
        } else if (update.readMarker() != null) {
            team.marker(update.readMarker());
        } else if (update.channelEvent() != null) {
            var event = update.channelEvent();
            // Any event names its channel's team: a creation lost in the updates comes back in a hole's fill.
            channelTeams.putIfAbsent(event.channelId(), team.teamId());
            long last = team.lastSeq(event.channelId());
            if (event.seq() > last + 1) {
                // A hole: the log has what the updates lost.
                return channelLog.between(event.channelId(), last, event.seq() - 1)
                        .doOnNext(run -> run.forEach(team::apply))
                        .then(Mono.fromRunnable(() -> team.apply(event)));
            }
            team.apply(event);
        }
        return Mono.empty();
    }
}
