package io.backchannel.standalone;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The event store's appends, written by one thread, with every append waiting at that moment in one
 * transaction: one commit, and so one write of the file, for all of them.
 *
 * <p>The embedded store commits each transaction to disk before it answers, and those commits take one lock.
 * With an append per command, concurrent commands queued behind each other for that lock; on two busy cores
 * the lock mostly stood free while the next owner waited to be scheduled, and sends over 100 channels
 * stopped near 900 a second with the cores still not full. Here a command still returns only once its events
 * are committed, and commands for one aggregate still append one at a time (each holds its aggregate's lock
 * while it appends), so every channel's order is kept.
 *
 * <p>If a combined write fails, nothing of it was stored, and each append is written again alone, so that
 * only the command whose events caused the failure (a conflicting sequence number, say) gets it.
 */
final class GroupCommit implements EventStorageEngine, AutoCloseable {

    /** Appends in one transaction at most; a send batch is up to 64 events, so this bounds a commit's size. */
    private static final int MAX_APPENDS = 128;
    /** How soon an idle writer notices that the store is closing. */
    private static final Duration CLOSE_CHECK = Duration.ofMillis(200);

    private final EventStorageEngine store;
    private final BlockingQueue<Append> waiting = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    GroupCommit(EventStorageEngine store) {
        this.store = store;
        this.writer = new Thread(this::writeUntilClosed, "event-store-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void appendEvents(List<? extends EventMessage<?>> events) {
        if (events.isEmpty()) {
            return;
        }
        Append append = new Append(events, new CompletableFuture<>());
        waiting.add(append);
        if (closed && waiting.remove(append)) {
            throw closedStore();
        }
        try {
            // Uninterruptibly: once queued, the events may be stored, and a command must not report otherwise.
            append.stored().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
    }

    private void writeUntilClosed() {
        List<Append> batch = new ArrayList<>(MAX_APPENDS);
        while (!closed) {
            try {
                Append first = waiting.poll(CLOSE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                // Nothing but close() stops the writer, and it does not interrupt: that could break a write.
                continue;
            }
            waiting.drainTo(batch, MAX_APPENDS - 1);
            writeTogether(batch);
            batch.clear();
        }
    }

    private void writeTogether(List<Append> batch) {
        if (batch.size() > 1) {
            try {
                store.appendEvents(batch.stream().<EventMessage<?>>flatMap(append -> append.events().stream()).toList());
                batch.forEach(append -> append.stored().complete(null));
                return;
            } catch (RuntimeException together) {
                // Rolled back as a whole: written alone below, each append meets only its own failure.
            }
        }
        for (Append append : batch) {
            try {
                store.appendEvents(append.events());
                append.stored().complete(null);
            } catch (RuntimeException | Error failure) {
                append.stored().completeExceptionally(failure);
            }
        }
    }

    /** Stops the writer after the write it is in; appends still waiting fail, as they would on a closed store. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        writer.join();
        for (Append append; (append = waiting.poll()) != null; ) {
            append.stored().completeExceptionally(closedStore());
        }
    }

    private static IllegalStateException closedStore() {
        return new IllegalStateException("the event store is closed");
    }

    private record Append(List<? extends EventMessage<?>> events, CompletableFuture<Void> stored) {
    }

    @Override
    public void storeSnapshot(DomainEventMessage<?> snapshot) {
        store.storeSnapshot(snapshot);
    }

    @Override
    public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken trackingToken, boolean mayBlock) {
        return store.readEvents(trackingToken, mayBlock);
    }

    @Override
    public DomainEventStream readEvents(String aggregateIdentifier, long firstSequenceNumber) {
        return store.readEvents(aggregateIdentifier, firstSequenceNumber);
    }

    @Override
    public Optional<DomainEventMessage<?>> readSnapshot(String aggregateIdentifier) {
        return store.readSnapshot(aggregateIdentifier);
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
        return store.lastSequenceNumberFor(aggregateIdentifier);
    }

    @Override
    public TrackingToken createTailToken() {
        return store.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return store.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return store.createTokenAt(dateTime);
    }
}
