package io.backchannel.command.read;

import io.backchannel.api.RejectedException;
import io.backchannel.api.read.MarkReadCommand;
import io.backchannel.api.read.ReadMarkerMovedEvent;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

class ReadStateTest {

    private AggregateTestFixture<ReadState> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ReadState.class);
    }

    /** Events are stamped to the millisecond by the fixture's clock. */
    private Instant now() {
        return fixture.currentTime().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void theFirstMarkerCreatesTheReadState() {
        fixture.givenNoPriorActivity()
                .when(new MarkReadCommand("alice", "c1", "t1", 4))
                .expectEvents(new ReadMarkerMovedEvent("alice", "c1", "t1", 4, now()))
                .expectResultMessagePayload(4L);
    }

    @Test
    void aMarkerMovesForwards() {
        fixture.given(new ReadMarkerMovedEvent("alice", "c1", "t1", 4, now()))
                .when(new MarkReadCommand("alice", "c1", "t1", 9))
                .expectEvents(new ReadMarkerMovedEvent("alice", "c1", "t1", 9, now()))
                .expectResultMessagePayload(9L);
    }

    @Test
    void aMarkerNeverMovesBackwardsNorRepeats() {
        fixture.given(new ReadMarkerMovedEvent("alice", "c1", "t1", 9, now()))
                .when(new MarkReadCommand("alice", "c1", "t1", 4))
                .expectNoEvents()
                .expectResultMessagePayload(9L);
        fixture.given(new ReadMarkerMovedEvent("alice", "c1", "t1", 9, now()))
                .when(new MarkReadCommand("alice", "c1", "t1", 9))
                .expectNoEvents()
                .expectResultMessagePayload(9L);
    }

    @Test
    void markersArePerChannel() {
        fixture.given(new ReadMarkerMovedEvent("alice", "c1", "t1", 9, now()))
                .when(new MarkReadCommand("alice", "c2", "t1", 1))
                .expectEvents(new ReadMarkerMovedEvent("alice", "c2", "t1", 1, now()));
    }

    @Test
    void aNegativeSeqIsRefused() {
        fixture.givenNoPriorActivity()
                .when(new MarkReadCommand("alice", "c1", "t1", -1))
                .expectException(RejectedException.class)
                .expectNoEvents();
    }
}
