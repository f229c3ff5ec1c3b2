package io.backchannel.gateway.stream;

import io.backchannel.api.signal.Signal;
import io.backchannel.gateway.signal.Signals;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Who is online: a user holding at least one open stream on any gateway node. Each node counts its
 * own streams and tells the others when a user comes or goes, and repeats its online users as a
 * heartbeat; a node's word expires when its heartbeats stop, so a crashed node does not keep its
 * users online.
 */
@Component
public class Presence implements SmartLifecycle {

    public static final String ONLINE = "online";
    public static final String AWAY = "away";
    static final Duration HEARTBEAT = Duration.ofSeconds(20);
    static final Duration EXPIRY = HEARTBEAT.multipliedBy(3);

    /** A user's presence changed, as seen from this node. */
    public record Change(String userId, String presence) {
    }

    private final Signals signals;
    private final Clock clock = Clock.systemUTC();
    private final ConcurrentMap<String, Integer> localStreams = new ConcurrentHashMap<>();
    /** user to node to the time that node's word on them expires. */
    private final Map<String, Map<String, Instant>> nodesOnline = new HashMap<>();
    private final Sinks.Many<Change> changes = Sinks.many().multicast().directBestEffort();
    private Disposable listening;
    private Disposable heartbeat;

    Presence(Signals signals) {
        this.signals = signals;
    }

    public void opened(String userId) {
        if (localStreams.merge(userId, 1, Integer::sum) == 1) {
            announce(userId, true);
        }
    }

    public void closed(String userId) {
        if (localStreams.computeIfPresent(userId, (user, open) -> open > 1 ? open - 1 : null) == null) {
            announce(userId, false);
        }
    }

    public synchronized String of(String userId) {
        Map<String, Instant> nodes = nodesOnline.get(userId);
        Instant now = clock.instant();
        return nodes != null && nodes.values().stream().anyMatch(expiry -> expiry.isAfter(now)) ? ONLINE : AWAY;
    }

    public Flux<Change> changes() {
        return changes.asFlux();
    }

    private void announce(String userId, boolean online) {
        Signal signal = Signal.presence(userId, signals.nodeId(), online);
        heard(signal);
        signals.publish(signal);
    }

    private synchronized void heard(Signal signal) {
        String before = of(signal.userId());
        Map<String, Instant> nodes = nodesOnline.computeIfAbsent(signal.userId(), user -> new HashMap<>());
        if (signal.online()) {
            nodes.put(signal.nodeId(), clock.instant().plus(EXPIRY));
        } else {
            nodes.remove(signal.nodeId());
        }
        if (nodes.isEmpty()) {
            nodesOnline.remove(signal.userId());
        }
        String after = of(signal.userId());
        if (!before.equals(after)) {
            changes.tryEmitNext(new Change(signal.userId(), after));
        }
    }

    /** Repeats this node's online users, and lets other nodes' silent words expire. */
    private void beat() {
        localStreams.keySet().forEach(userId -> signals.publish(Signal.presence(userId, signals.nodeId(), true)));
        synchronized (this) {
            Instant now = clock.instant();
            for (String userId : Set.copyOf(nodesOnline.keySet())) {
                Map<String, Instant> nodes = nodesOnline.get(userId);
                nodes.values().removeIf(expiry -> !expiry.isAfter(now));
                if (nodes.isEmpty()) {
                    // Only online words are kept, so losing the last one means the user went away.
                    nodesOnline.remove(userId);
                    changes.tryEmitNext(new Change(userId, AWAY));
                }
            }
        }
    }

    @Override
    public void start() {
        listening = signals.incoming()
                .filter(signal -> signal.kind() == Signal.Kind.PRESENCE && !signals.nodeId().equals(signal.nodeId()))
                .subscribe(this::heard);
        heartbeat = Flux.interval(HEARTBEAT, HEARTBEAT).subscribe(tick -> beat());
    }

    @Override
    public void stop() {
        if (listening != null) {
            listening.dispose();
            heartbeat.dispose();
        }
        listening = null;
    }

    @Override
    public boolean isRunning() {
        return listening != null;
    }
}
