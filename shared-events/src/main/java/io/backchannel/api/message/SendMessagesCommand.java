package io.backchannel.api.message;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/**
 * Sends to one channel that queued behind each other, applied in order in one unit of work, so they are
 * stored with one append instead of one each. Each is judged on its own, exactly as a
 * {@link SendMessageCommand}: one refused send does not refuse the others. Answers {@link SendOutcomes}.
 */
public record SendMessagesCommand(@TargetAggregateIdentifier String channelId, List<SendMessageCommand> sends) {

    public SendMessagesCommand {
        sends = List.copyOf(sends);
    }
}
