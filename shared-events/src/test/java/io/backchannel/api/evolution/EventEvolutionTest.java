package io.backchannel.api.evolution;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.backchannel.api.account.AccountCreatedEvent;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upcasters on the serialized forms the event stores hold: an old revision comes out as the current
 * record, and a current one passes untouched. The end-to-end proof (aggregate and projections reading an
 * old event from the real store) is {@code EventEvolutionEndToEndTest} in the standalone module.
 */
class EventEvolutionTest {

    private static final Instant STORED_AT = Instant.parse("2023-11-02T08:15:30.123Z");

    private final JacksonSerializer serializer = JacksonSerializer.builder()
            .objectMapper(new ObjectMapper().registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS))
            .build();

    @Test
    void aRevision0MemberJoinedIsReadWithUserIdAndTheEnvelopeTimeAsTs() {
        Object event = upcastAndRead(MemberJoinedChannelEvent.class, "0", 3,
                "{\"type\":\"member.joined\",\"channelId\":\"C1\",\"seq\":3,\"memberId\":\"U7\"}");

        assertThat(event).isEqualTo(new MemberJoinedChannelEvent("C1", 3, STORED_AT, "U7"));
    }

    @Test
    void aRevision0MemberJoinedWithoutItsTypeNameIsStillRead() {
        Object event = upcastAndRead(MemberJoinedChannelEvent.class, "0", 1,
                "{\"channelId\":\"C1\",\"seq\":1,\"memberId\":\"U2\"}");

        assertThat(event).isEqualTo(new MemberJoinedChannelEvent("C1", 1, STORED_AT, "U2"));
    }

    @Test
    void aRevision0AccountIsShownUnderItsUsername() {
        Object event = upcastAndRead(AccountCreatedEvent.class, "0", 0,
                "{\"username\":\"grace\",\"userId\":\"U9\"}");

        assertThat(event).isEqualTo(new AccountCreatedEvent("grace", "U9", "grace", STORED_AT));
    }

    @Test
    void theCurrentRevisionPassesUnchanged() throws Exception {
        Instant ts = Instant.parse("2026-01-01T00:00:00.5Z");
        MemberJoinedChannelEvent current = new MemberJoinedChannelEvent("C1", 4, ts, "U3");
        String json = serializer.getObjectMapper().writeValueAsString(current);

        assertThat(upcastAndRead(MemberJoinedChannelEvent.class, "1", 4, json)).isEqualTo(current);
        AccountCreatedEvent account = new AccountCreatedEvent("ada", "U1", "Ada L.", ts);
        assertThat(upcastAndRead(AccountCreatedEvent.class, "1", 0,
                serializer.getObjectMapper().writeValueAsString(account))).isEqualTo(account);
    }

    @Test
    void theChainUpcastsOnlyWhatItKnows() {
        List<IntermediateEventRepresentation> out = EventEvolution.chain()
                .upcast(Stream.of(representation("io.backchannel.api.some.OtherEvent", "0", 0, "{\"a\":1}")))
                .toList();

        assertThat(out).singleElement().satisfies(rep -> {
            assertThat(rep.getType().getName()).isEqualTo("io.backchannel.api.some.OtherEvent");
            assertThat(rep.getType().getRevision()).isEqualTo("0");
        });
    }

    private Object upcastAndRead(Class<?> type, String revision, long seq, String json) {
        List<IntermediateEventRepresentation> out = EventEvolution.chain()
                .upcast(Stream.of(representation(type.getName(), revision, seq, json)))
                .toList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getType().getRevision()).isEqualTo("1");
        SerializedObject<?> data = out.get(0).getData();
        return serializer.deserialize(data);
    }

    private InitialEventRepresentation representation(String payloadType, String revision, long seq, String json) {
        GenericDomainEventEntry<byte[]> entry = new GenericDomainEventEntry<>("Aggregate", "A1", seq, "event-" + seq,
                STORED_AT, payloadType, revision, json.getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8));
        return new InitialEventRepresentation(entry, serializer);
    }
}
