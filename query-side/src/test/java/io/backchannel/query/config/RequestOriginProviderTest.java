package io.backchannel.query.config;

import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestOriginProviderTest {

    private final RequestOriginProvider provider = new RequestOriginProvider();

    @Test
    void aCommandPassesItsOwnIdAndItsTraceOnToWhatItCauses() {
        GenericCommandMessage<String> command = new GenericCommandMessage<>(
                new GenericMessage<>("send", MetaData.with("traceId", "trace-1")), "SendMessageCommand");

        assertThat(provider.correlationDataFor(command))
                .isEqualTo(Map.of("correlationId", command.getIdentifier(), "traceId", "trace-1"));
    }

    @Test
    void anEventPassesNothingOnAndItsStoredMetadataIsNeverRead() {
        GenericEventMessage<String> event = new GenericEventMessage<>(new GenericMessage<>("posted"), Instant.now()) {
            @Override
            public MetaData getMetaData() {
                throw new AssertionError("an event's metadata was deserialised for correlation data");
            }
        };

        assertThat(provider.correlationDataFor(event)).isEmpty();
    }
}
