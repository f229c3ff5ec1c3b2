package io.backchannel.gateway.stream;

import io.backchannel.api.signal.Signal;
import io.backchannel.gateway.signal.Signals;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Who is online: a user holding at least one open stream on any gateway node, or who held one a moment
 * ago. Each node counts its own streams and tells the others when a user comes or goes, and repeats its
 * online users as a heartbeat; a node's word expires when its heartbeats stop, so a crashed node does not
 * keep its users online.
 */
@Component
public class Presence implements SmartLifecycle {

    public static final String ONLINE = "online";
    public static final String AWAY = "away";
    static final Duration HEARTBEAT = Duration.ofSeconds(20);
    static final Duration EXPIRY = HEARTBEAT.multipliedBy(3);
    /** Users named in one heartbeat signal, so that a signal stays small however many are online. */
    static final int BEAT_SIZE = 1_000;
    /** Changes told to a listener together at most. */
    private static final int BATCH_SIZE = 1_000;

    /** A user's presence changed, as seen from this node. */
    public record Change(String userId, String presence) {
    }

    private final Signals signals;
    private final Clock clock;
    private final Duration grace;
    private final Scheduler timer;
    /** Opens and closes of this node's streams, one at a time, so that a user's comings and goings are told in order. */
    private final Object streamsLock = new Object();
    private final ConcurrentMap<String, Integer> localStreams = new ConcurrentHashMap<>();
    /**
     * Users whose last stream here closed less than the grace ago, still online, each with the number of
     * their departure: a departure whose user came back, or left again since, is no longer theirs.
     */
    private final ConcurrentMap<String, Long> leaving = new ConcurrentHashMap<>();
    private long departures;
    /** user to node to the time that node's word on them expires. */
    private final Map<String, Map<String, Instant>> nodesOnline = new HashMap<>();
    private final Sinks.Many<Change> changes = Sinks.many().multicast().directBestEffort();
    private Disposable listening;
    private Disposable heartbeat;

    @Autowired
    Presence(Signals signals, StreamProperties properties) {
        this(signals, Clock.systemUTC(), properties.presenceGrace(), Schedulers.parallel());
    }

    Presence(Signals signals, Clock clock, Duration grace, Scheduler timer) {
        this.signals = signals;
        this.clock = clock;
        this.grace = grace;
        this.timer = timer;
    }

    public void opened(String userId) {
        synchronized (streamsLock) {
            if (localStreams.merge(userId, 1, Integer::sum) > 1) {
                return;
            }
            if (leaving.remove(userId) == null) {
                announce(userId, true);
            }
        }
    }

    /**
     * A user whose last stream closes goes away only if none opens again within the grace. A network blip
     * or a gateway restart drops thousands of clients, which reconnect seconds later: told at once, each
     * of them went away and came back for every connection in their teams, twice a frame per user and
     * connection, with nothing to see in the end.
     */
    public void closed(String userId) {
        synchronized (streamsLock) {
            if (localStreams.computeIfPresent(userId, (user, open) -> open > 1 ? open - 1 : null) != null) {
                return;
            }
            long departure = ++departures;
            leaving.put(userId, departure);
            timer.schedule(() -> depart(userId, departure), grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void depart(String userId, long departure) {
        synchronized (streamsLock) {
            if (leaving.remove(userId, departure)) {
                announce(userId, false);
            }
        }
    }

    public synchronized String of(String userId) {
        Map<String, Instant> nodes = nodesOnline.get(userId);
        Instant now = clock.instant();
        return nodes != null && nodes.values().stream().anyMatch(expiry -> expiry.isAfter(now)) ? ONLINE : AWAY;
    }

    /**
     * The changes as one listener hears them: gathered for up to {@code window} after the first, then told
     * together, each user's last change only. When a node restarts or a network blips, thousands of users go
     * and come back at once, and every connection in their teams hears of each: one at a time, that was one
     * socket write per change and connection. Together, a connection's frames leave in a write or two.
     */
    public Flux<Change> changes(Duration window) {
        // One batch taken at a time: every connection holds this, and a larger prefetch is an array per connection.
        return changes.asFlux().bufferTimeout(BATCH_SIZE, window).concatMapIterable(Presence::lastOfEach, 1);
    }

    private static Collection<Change> lastOfEach(List<Change> batch) {
        Map<String, Change> last = new LinkedHashMap<>();
        for (Change change : batch) {
            last.remove(change.userId());
            last.put(change.userId(), change);
        }
        return last.values();
    }

    private void announce(String userId, boolean online) {
        Signal signal = Signal.presence(userId, signals.nodeId(), online);
        heard(signal);
        signals.publish(signal);
    }

    private synchronized void heard(Signal signal) {
        List<String> users = signal.kind() == Signal.Kind.HEARTBEAT ? signal.userIds() : List.of(signal.userId());
        users.forEach(userId -> heard(userId, signal.nodeId(), signal.online()));
    }

    private void heard(String userId, String nodeId, boolean online) {
        String before = of(userId);
        Map<String, Instant> nodes = nodesOnline.computeIfAbsent(userId, user -> new HashMap<>());
        if (online) {
            nodes.put(nodeId, clock.instant().plus(EXPIRY));
        } else {
            nodes.remove(nodeId);
        }
        if (nodes.isEmpty()) {
            nodesOnline.remove(userId);
        }
        String after = of(userId);
        if (!before.equals(after)) {
            changes.tryEmitNext(new Change(userId, after));
        }
    }

    /**
     * Repeats this node's online users, to itself and to the other nodes, in a few signals rather than one
     * per user (10,000 users would be 10,000 relayed signals every beat), and lets silent words expire.
     */
    void beat() {
        Set<String> named = new HashSet<>(localStreams.keySet());
        named.addAll(leaving.keySet());
        List<String> online = List.copyOf(named);
        for (int from = 0; from < online.size(); from += BEAT_SIZE) {
            Signal beat = Signal.heartbeat(signals.nodeId(),
                    online.subList(from, Math.min(online.size(), from + BEAT_SIZE)));
            heard(beat);
            signals.publish(beat);
        }
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
                .filter(signal -> signal.kind() != Signal.Kind.TYPING && !signals.nodeId().equals(signal.nodeId()))
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
