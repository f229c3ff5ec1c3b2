package io.backchannel.query;

import org.axonframework.common.IdentifierFactory;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.queryhandling.GenericSubscriptionQueryUpdateMessage;
import org.axonframework.queryhandling.SubscriptionQueryUpdateMessage;

/**
 * A subscription-query update as the query side emits it: without the correlation data that Axon otherwise
 * copies into every message from the one being handled. Nothing reads it on an update, and to take it from an
 * event Axon deserialised that event's metadata, a tenth of the projections' thread under send load.
 */
public final class UpdateMessage<U> extends GenericSubscriptionQueryUpdateMessage<U> {

    private UpdateMessage(U update) {
        super(new GenericMessage<>(IdentifierFactory.getInstance().generateIdentifier(), payloadType(update), update,
                MetaData.emptyInstance()));
    }

    public static <U> SubscriptionQueryUpdateMessage<U> of(U update) {
        return new UpdateMessage<>(update);
    }

    @SuppressWarnings("unchecked")
    private static <U> Class<U> payloadType(U update) {
        return (Class<U>) update.getClass();
    }
}
