package io.backchannel.command.read;

import io.backchannel.api.Limits;
import io.backchannel.api.read.MarkReadCommand;
import io.backchannel.api.read.ReadMarkerMovedEvent;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.util.HashMap;
import java.util.Map;

import static io.backchannel.command.EventClock.now;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One user's read markers, one per channel. A marker only moves forwards, so a late or repeated
 * "read up to" from another device never makes messages unread again.
 */
@Aggregate(cache = "aggregateCache", commandTargetResolver = "commandTargets")
class ReadState {

    @AggregateIdentifier
    private String userId;
    private Map<String, Long> markers = new HashMap<>();

    ReadState() {
    }

    /** Answers the marker after the command: the new seq, or the later one already there. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    long handle(MarkReadCommand command) {
        Limits.requireSeq(command.seq(), "seq");
        long current = markers.getOrDefault(command.channelId(), -1L);
        if (command.seq() <= current) {
            return current;
        }
        apply(new ReadMarkerMovedEvent(command.userId(), command.channelId(), command.teamId(), command.seq(), now()));
        return command.seq();
    }

    @EventSourcingHandler
    void on(ReadMarkerMovedEvent event) {
        userId = event.userId();
        markers.merge(event.channelId(), event.seq(), Math::max);
    }
}
