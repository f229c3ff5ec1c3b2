package io.backchannel.query;

import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.queryhandling.GenericSubscriptionQueryUpdateMessage;
import org.axonframework.queryhandling.SubscriptionQueryUpdateMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Updates leave the query side without the correlation data of the event being handled. */
class UpdateMessageTest {

    record Update(String text) {
    }

    @Test
    void anUpdateEmittedWhileAnEventIsHandledCarriesItsPayloadAndNoCorrelationData() {
        var event = new GenericEventMessage<>("posted", MetaData.with("traceId", "trace-1"));
        var unitOfWork = DefaultUnitOfWork.startAndGet(event);
        unitOfWork.registerCorrelationDataProvider(new MessageOriginProvider());
        try {
            SubscriptionQueryUpdateMessage<Update> update = UpdateMessage.of(new Update("hello"));
            SubscriptionQueryUpdateMessage<Object> axons = GenericSubscriptionQueryUpdateMessage.asUpdateMessage(new Update("hello"));

            assertThat(update.getPayload()).isEqualTo(new Update("hello"));
            assertThat(update.getPayloadType()).isEqualTo(Update.class);
            assertThat(update.getMetaData()).isEmpty();
            // What Axon's own update would have taken from the event, reading its metadata to do so.
            assertThat(axons.getMetaData()).containsEntry("traceId", "trace-1");
        } finally {
            unitOfWork.rollback();
        }
    }
}
