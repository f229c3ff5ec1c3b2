package io.backchannel.api.evolution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backchannel.api.account.AccountCreatedEvent;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

/**
 * {@code AccountCreatedEvent} revision 0 to 1. Revision 0 predates display names and payload times: it
 * held only {@code username} and {@code userId}. An account from then is shown under its username, so
 * revision 1's {@code displayName} becomes the username, and {@code ts} the envelope's timestamp.
 */
public final class AccountCreatedEventUpcaster extends SingleEventUpcaster {

    static final SimpleSerializedType REVISION_0 = new SimpleSerializedType(AccountCreatedEvent.class.getName(), "0");
    static final SimpleSerializedType REVISION_1 = new SimpleSerializedType(AccountCreatedEvent.class.getName(), "1");

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        return REVISION_0.equals(representation.getType());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        String ts = representation.getTimestamp().toString();
        return representation.upcastPayload(REVISION_1, JsonNode.class, payload -> {
            ObjectNode event = ((ObjectNode) payload).deepCopy();
            if (!event.hasNonNull("displayName")) {
                event.set("displayName", event.get("username"));
            }
            if (!event.hasNonNull("ts")) {
                event.put("ts", ts);
            }
            return event;
        });
    }
}
