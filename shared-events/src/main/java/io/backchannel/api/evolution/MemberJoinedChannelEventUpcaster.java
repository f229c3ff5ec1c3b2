package io.backchannel.api.evolution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

/**
 * {@code member.joined} revision 0 to 1. Revision 0 named the member {@code memberId} and carried no
 * {@code ts} (readers took the time from the event's envelope). Revision 1 speaks the API's names: the
 * member is {@code userId}, and {@code ts} is in the payload; for an old event it is the envelope's
 * timestamp, the moment the event was stored, which is what readers of revision 0 showed.
 */
public final class MemberJoinedChannelEventUpcaster extends SingleEventUpcaster {

    static final SimpleSerializedType REVISION_0 = new SimpleSerializedType(MemberJoinedChannelEvent.class.getName(), "0");
    static final SimpleSerializedType REVISION_1 = new SimpleSerializedType(MemberJoinedChannelEvent.class.getName(), "1");

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        return REVISION_0.equals(representation.getType());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        String ts = representation.getTimestamp().toString();
        return representation.upcastPayload(REVISION_1, JsonNode.class, payload -> {
            ObjectNode event = ((ObjectNode) payload).deepCopy();
            if (!event.has("type")) {
                event.put("type", "member.joined");
            }
            JsonNode member = event.remove("memberId");
            if (member != null && !event.has("userId")) {
                event.set("userId", member);
            }
            if (!event.hasNonNull("ts")) {
                event.put("ts", ts);
            }
            return event;
        });
    }
}
