package io.backchannel.api.message;

import io.backchannel.api.Rejection;

import java.util.List;

/** The answers to a {@link SendMessagesCommand}, one per send and in its order. */
public record SendOutcomes(List<Outcome> outcomes) {

    public SendOutcomes {
        outcomes = List.copyOf(outcomes);
    }

    /** A send's receipt, or why it was refused (exactly one of the two). */
    public record Outcome(SendReceipt receipt, Rejection refusal) {

        public static Outcome sent(SendReceipt receipt) {
            return new Outcome(receipt, null);
        }

        public static Outcome refused(Rejection refusal) {
            return new Outcome(null, refusal);
        }
    }
}
