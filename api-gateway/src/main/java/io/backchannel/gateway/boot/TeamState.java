package io.backchannel.gateway.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.api.Rejection;
import io.backchannel.api.channel.ChannelAccess;
import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.team.BootView;
import io.backchannel.api.team.TeamDirectory;
import io.backchannel.gateway.security.Caller;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * One team in the boot cache: members, channels and read markers, kept current by its updates. A boot
 * is computed from it in memory, per request, in time that grows with the team's channels.
 */
final class TeamState {

    private final String teamId;
    private final String name;
    /** Distinguishes this load of the team from any earlier one, so versions never repeat. */
    private final String epoch = UUID.randomUUID().toString().substring(0, 8);
    private final Set<String> members = new HashSet<>();
    private final Map<String, ChannelState> channels = new HashMap<>();
    /** The named channels in boot order (by name), sorted by the first boot after a channel is created. */
    private List<ChannelState> byName;
    private final Map<String, Map<String, Long>> markers = new HashMap<>();
    private final Sinks.Many<Object> applied = Sinks.many().multicast().directBestEffort();
    private long version;

    TeamState(TeamDirectory directory) {
        this.teamId = directory.teamId();
        this.name = directory.name();
        members.addAll(directory.memberIds());
        directory.readMarkers().forEach(this::marker);
    }

    String teamId() {
        return teamId;
    }

    synchronized long lastSeq(String channelId) {
        ChannelState channel = channels.get(channelId);
        return channel == null ? -1 : channel.lastSeq();
    }

    synchronized boolean isMember(String userId) {
        return members.contains(userId);
    }

    /** The user's standing in one of the team's channels, or null for a channel not applied here yet. */
    synchronized ChannelAccess access(String channelId, String userId) {
        ChannelState channel = channels.get(channelId);
        ChannelView view = channel == null ? null : channel.view(teamId);
        return view == null ? null : new ChannelAccess(view, members.contains(userId), channel.joinSeq(userId) != null);
    }

    /** Applies a channel's next event, which must follow {@link #lastSeq} directly; earlier ones are ignored. */
    synchronized void apply(ChannelEvent event) {
        ChannelState channel = channels.computeIfAbsent(event.channelId(), ChannelState::new);
        if (event.seq() == channel.lastSeq() + 1) {
            channel.apply(event);
            if (event instanceof ChannelCreatedEvent) {
                byName = null;
            }
            changed(event);
        }
    }

    synchronized void joined(String userId) {
        if (members.add(userId)) {
            changed(userId);
        }
    }

    synchronized void marker(TeamDirectory.ReadMarker marker) {
        markers.computeIfAbsent(marker.userId(), user -> new HashMap<>())
                .merge(marker.channelId(), marker.seq(), Math::max);
        changed(marker);
    }

    /** Called holding the lock, so emissions are serialised as the sink requires. */
    private void changed(Object change) {
        version++;
        applied.tryEmitNext(change);
    }

    /** Channel events as they are applied from now on. */
    Flux<ChannelEvent> appliedEvents() {
        return applied.asFlux().ofType(ChannelEvent.class);
    }

    /** Where each channel stands: the seq of the last event applied. */
    synchronized Map<String, Long> positions() {
        Map<String, Long> positions = new HashMap<>();
        channels.values().forEach(channel -> positions.put(channel.channelId(), channel.lastSeq()));
        return positions;
    }

    /** Hands over each member's standing join of a channel made after where {@code positions} has it. */
    synchronized void joinsAfter(Map<String, Long> positions, BiConsumer<String, BootCache.ChannelJoin> joined) {
        channels.values().forEach(channel -> channel.joinSeqs().forEach((userId, joinSeq) -> {
            if (joinSeq > positions.getOrDefault(channel.channelId(), -1L)) {
                joined.accept(userId, new BootCache.ChannelJoin(teamId, channel.channelId(), joinSeq));
            }
        }));
    }

    /** The channels {@code userId} is a member of, with the seq each is at now. */
    synchronized Map<String, Long> memberChannels(String userId) {
        Map<String, Long> mine = new HashMap<>();
        channels.values().forEach(channel -> {
            if (channel.joinSeq(userId) != null) {
                mine.put(channel.channelId(), channel.lastSeq());
            }
        });
        return mine;
    }

    /** Completes once the channel is known at {@code seq} or later, or after {@code wait}. */
    Mono<Void> awaitApplied(String channelId, long seq, Duration wait) {
        return applied.asFlux()
                .startWith(channelId)
                .filter(any -> lastSeq(channelId) >= seq)
                .next()
                .timeout(wait)
                .onErrorResume(TimeoutException.class, slow -> Mono.empty())
                .then();
    }

    /** The caller's boot as JSON: see {@link BootJson} for why it is not written by Jackson. */
    synchronized byte[] boot(Caller caller, ObjectMapper json) {
        if (!members.contains(caller.userId())) {
            throw Rejection.forbidden("you are not a member of this team").exception();
        }
        Map<String, Long> read = markers.getOrDefault(caller.userId(), Map.of());
        BootJson boot = new BootJson(json, new BootView.Team(teamId, name, members.size()),
                new BootView.Self(caller.userId(), caller.username(), caller.displayName()), channels.size());
        if (byName == null) {
            byName = channels.values().stream().filter(named -> named.name() != null)
                    .sorted(Comparator.comparing(ChannelState::name)).toList();
        }
        for (ChannelState channel : byName) {
            Long joinSeq = channel.joinSeq(caller.userId());
            if (joinSeq == null) {
                if (!channel.isPrivate()) {
                    boot.channel(channel.bootHead());
                }
                continue;
            }
            long lastRead = Math.max(joinSeq, read.getOrDefault(channel.channelId(), -1L));
            boot.channel(channel.bootHead(), lastRead, channel.unreadAfter(lastRead, caller.userId()));
        }
        return boot.finish(epoch + "." + version);
    }
}
