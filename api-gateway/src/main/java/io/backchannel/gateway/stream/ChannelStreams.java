package io.backchannel.gateway.stream;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.FollowChannelQuery;
import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.gateway.bus.AxonClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Gapless, duplicate-free channel streams for one listener each: subscribe to the live feed first,
 * read the missed range second, and merge by seq. The listener's cursor is the last seq it was given:
 * anything at or below it is dropped, and a jump ahead is filled from history before it is passed on.
 */
@Component
public class ChannelStreams {

    /**
     * Runs a transport takes from a stream at a time when it writes them out event by event. A run can be a
     * whole page, so one is plenty; the default (256) cost every idle subscription 1 KB of empty queue.
     */
    public static final int ONE_RUN = 1;
    /** Events a listener's worker takes from its buffer at a time: small, so the buffer stays the bound. */
    private static final int DRAIN_PREFETCH = 16;

    private final ChannelFeeds feeds;
    private final ChannelLog log;
    private final AxonClient axon;
    private final StreamProperties properties;
    private final Set<Queue<ChannelEvent>> buffers = ConcurrentHashMap.newKeySet();

    ChannelStreams(ChannelFeeds feeds, ChannelLog log, AxonClient axon, StreamProperties properties) {
        this.feeds = feeds;
        this.log = log;
        this.axon = axon;
        this.properties = properties;
    }

    /**
     * Every event after {@code afterSeq}, in order, then live ones, for {@code viewerId}, in runs of
     * consecutive events: a page of history at a time while catching up, one event at a time live, so a
     * transport can write a catch-up page at once. The stream ends after the viewer's own
     * {@code member.left}. Ends with a {@link SlowConsumerException} if the listener falls more than a
     * buffer behind. The listener takes its events on {@code drainOn} (see {@link DrainThreads}).
     */
    public Flux<List<ChannelEvent>> follow(String channelId, long afterSeq, String viewerId, Scheduler drainOn) {
        return Flux.defer(() -> {
            Cursor cursor = new Cursor(afterSeq);
            Queue<ChannelEvent> queue = new BoundedQueue<>(properties.bufferSize());
            buffers.add(queue);
            Sinks.Many<ChannelEvent> buffer = Sinks.many().unicast().onBackpressureBuffer(queue);
            ChannelFeeds.Feed feed = feeds.live(channelId);
            Disposable live = feed.events().subscribe(event -> {
                if (buffer.tryEmitNext(event).isFailure()) {
                    buffer.tryEmitError(new Overflow());
                }
            });
            return buffer.asFlux()
                    // The feed hands events over on the thread that emitted them, the projections' own: each
                    // listener drains on a thread of its own instead, so delivering to a thousand listeners
                    // is spread over the cores and never holds the projections up.
                    .publishOn(drainOn, DRAIN_PREFETCH)
                    .doOnError(Overflow.class, overflow -> live.dispose())
                    .map(Optional::of)
                    .startWith(Optional.<ChannelEvent>empty())
                    .concatMap(next -> next.map(event -> fill(channelId, cursor.last, event))
                            .orElseGet(() -> feed.started().thenMany(log.after(channelId, cursor.last))))
                    .map(run -> cursor.pass(run, viewerId))
                    .filter(run -> !run.isEmpty())
                    .takeUntil(run -> leftBy(run.get(run.size() - 1), viewerId))
                    .onErrorMap(Overflow.class, overflow -> new SlowConsumerException(channelId, cursor.last))
                    .doFinally(signal -> {
                        live.dispose();
                        buffers.remove(queue);
                        queue.clear();
                    });
        });
    }

    /** Events waiting in listeners' buffers on this node, all together: bounded by listeners times buffer size. */
    public long bufferedEvents() {
        return buffers.stream().mapToLong(Queue::size).sum();
    }

    /**
     * Completes once the projections show the channel at {@code seq} or later, so a client that acts on
     * a write's answer reads its own write. Gives up quietly after the configured wait: the write is
     * durable either way.
     */
    public Mono<Void> awaitProjected(String channelId, long seq) {
        ChannelFeeds.Feed feed = feeds.live(channelId);
        return Flux.merge(
                        feed.events().map(ChannelEvent::seq),
                        feed.started().then(axon.query(new FollowChannelQuery(channelId), Long.class)))
                .filter(projected -> projected >= seq)
                .next()
                .timeout(properties.readYourWrites())
                .onErrorResume(TimeoutException.class, timeout -> Mono.empty())
                .then();
    }

    private Flux<List<ChannelEvent>> fill(String channelId, long last, ChannelEvent event) {
        if (event.seq() <= last + 1) {
            return Flux.just(List.of(event));
        }
        return log.between(channelId, last, event.seq() - 1).concatWith(Mono.just(List.of(event)));
    }

    private static boolean leftBy(ChannelEvent event, String viewerId) {
        return event instanceof MemberLeftChannelEvent left && left.userId().equals(viewerId);
    }

    /** The last seq a listener was given. */
    private static final class Cursor {
        private long last;

        private Cursor(long last) {
            this.last = last;
        }

        /**
         * What of {@code run} the listener has not been given, up to the viewer's own leave, and moves on to
         * its end. A run the listener needs whole is passed as it is, so what was made of it can be shared.
         */
        private List<ChannelEvent> pass(List<ChannelEvent> run, String viewerId) {
            int from = 0;
            while (from < run.size() && run.get(from).seq() <= last) {
                from++;
            }
            int to = from;
            while (to < run.size() && !leftBy(run.get(to), viewerId)) {
                to++;
            }
            to = Math.min(run.size(), to + 1);
            List<ChannelEvent> passed = from == 0 && to == run.size() ? run : run.subList(from, Math.max(from, to));
            if (!passed.isEmpty()) {
                last = passed.get(passed.size() - 1).seq();
            }
            return passed;
        }
    }

    private static final class Overflow extends RuntimeException {
        private Overflow() {
            super(null, null, false, false);
        }
    }
}
