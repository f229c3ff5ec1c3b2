package io.backchannel.standalone;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Appends that wait while the store writes are written together, each command still learns its own outcome,
 * and none returns before its events are written.
 */
class GroupCommitTest {

    private final RecordingStore store = new RecordingStore();
    private final GroupCommit groupCommit = new GroupCommit(store);

    @AfterEach
    void close() throws InterruptedException {
        store.release();
        groupCommit.close();
    }

    @Test
    void appendsThatArriveDuringAWriteGoTogetherInTheNext() {
        Appender first = append("a1");
        await().until(() -> store.writing.getCount() == 0);
        Appender second = append("b1");
        Appender third = append("c1", "c2");
        Appender fourth = append("d1");
        awaitQueued(second, third, fourth);
        assertThat(second.outcome).isNotDone();

        store.release();

        await().atMost(Duration.ofSeconds(10)).until(() -> Stream.of(first, second, third, fourth)
                .allMatch(appender -> appender.outcome.isDone()));
        Stream.of(first, second, third, fourth).forEach(appender -> assertThat(appender.outcome).isCompleted());
        assertThat(store.writes).hasSize(2);
        assertThat(store.writes.get(0)).containsExactly("a1");
        assertThat(store.writes.get(1)).containsExactlyInAnyOrder("b1", "c1", "c2", "d1");
        assertThat(String.join(",", store.writes.get(1))).contains("c1,c2");
    }

    @Test
    void aFailedCombinedWriteFailsOnlyTheAppendThatCausedIt() {
        Appender first = append("a1");
        await().until(() -> store.writing.getCount() == 0);
        Appender conflicting = append(RecordingStore.CONFLICT);
        Appender other = append("c1");
        awaitQueued(conflicting, other);

        store.release();

        await().atMost(Duration.ofSeconds(10)).until(() -> first.outcome.isDone() && conflicting.outcome.isDone()
                && other.outcome.isDone());
        assertThat(first.outcome).isCompleted();
        assertThat(other.outcome).isCompleted();
        assertThat(conflicting.outcome).isCompletedExceptionally();
        assertThatThrownBy(conflicting.outcome::join).hasCauseInstanceOf(ConcurrencyException.class);
        assertThat(store.stored()).containsExactlyInAnyOrder("a1", "c1");
    }

    @Test
    void aClosedStoreRefusesAppends() throws InterruptedException {
        store.release();
        groupCommit.close();

        assertThatThrownBy(() -> groupCommit.appendEvents(List.of(event("late"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(store.writes).isEmpty();
    }

    private Appender append(String... payloads) {
        Appender appender = new Appender(Arrays.stream(payloads).map(GroupCommitTest::event).toList());
        appender.start();
        return appender;
    }

    /** Each appender has queued its events once it waits for them to be written. */
    private static void awaitQueued(Appender... appenders) {
        await().atMost(Duration.ofSeconds(10)).until(() -> Arrays.stream(appenders)
                .allMatch(appender -> appender.getState() == Thread.State.WAITING));
    }

    private static EventMessage<?> event(String payload) {
        return GenericEventMessage.asEventMessage(payload);
    }

    private final class Appender extends Thread {

        final List<EventMessage<?>> events;
        final CompletableFuture<Void> outcome = new CompletableFuture<>();

        Appender(List<EventMessage<?>> events) {
            this.events = events;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                groupCommit.appendEvents(events);
                outcome.complete(null);
            } catch (RuntimeException e) {
                outcome.completeExceptionally(e);
            }
        }
    }

    /** Records what is written in each transaction; holds every write until released. */
    private static final class RecordingStore implements EventStorageEngine {

        static final String CONFLICT = "conflict";

        final List<List<String>> writes = new CopyOnWriteArrayList<>();
        final CountDownLatch writing = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        @Override
        public void appendEvents(List<? extends EventMessage<?>> events) {
            writing.countDown();
            try {
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<String> payloads = events.stream().map(event -> (String) event.getPayload()).toList();
            if (payloads.contains(CONFLICT)) {
                throw new ConcurrencyException("conflicting sequence number");
            }
            writes.add(payloads);
        }

        void release() {
            released.countDown();
        }

        List<String> stored() {
            return writes.stream().flatMap(List::stream).toList();
        }

        @Override
        public void storeSnapshot(DomainEventMessage<?> snapshot) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken trackingToken, boolean mayBlock) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DomainEventStream readEvents(String aggregateIdentifier, long firstSequenceNumber) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<DomainEventMessage<?>> readSnapshot(String aggregateIdentifier) {
            throw new UnsupportedOperationException();
        }
    }
}
