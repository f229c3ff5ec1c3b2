package io.backchannel.command.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.api.message.SendReceipt;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;

import static io.backchannel.api.Rejection.Kind.CONFLICT;
import static io.backchannel.api.Rejection.Kind.INVALID;
import static io.backchannel.api.Rejection.Kind.NOT_FOUND;
import static io.backchannel.command.Refusals.rejected;
import static io.backchannel.command.channel.ChannelFixtures.CHANNEL;
import static io.backchannel.command.channel.ChannelFixtures.NOW;
import static io.backchannel.command.channel.ChannelFixtures.created;
import static io.backchannel.command.channel.ChannelFixtures.joined;
import static io.backchannel.command.channel.ChannelFixtures.messageId;
import static io.backchannel.command.channel.ChannelFixtures.posted;
import static io.backchannel.command.channel.ChannelFixtures.send;

/**
 * A channel is snapshotted with Jackson, and the snapshot must carry everything a command needs: the seq, the
 * members, the message seqs and the dedup memory. Each test round-trips a channel and then drives the restored
 * aggregate through the fixture ({@code givenState}), so what is checked is behaviour, not field names.
 */
class ChannelSnapshotTest {

    private static final Instant POSTED_AT = Instant.parse("2026-03-01T11:59:00.456Z");

    private AggregateTestFixture<Channel> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Channel.class);
        fixture.givenCurrentTime(NOW);
    }

    /** A private channel: alice created it (0), bob joined (1), bob posted c-1 (2), alice posted a-1 (3). */
    private static Channel history() {
        Channel channel = new Channel();
        channel.on(created(true));
        channel.on(joined(1, "bob"));
        channel.on(posted(2, "bob", "c-1", "hello", null, POSTED_AT));
        channel.on(posted(3, "alice", "a-1", "hi bob"));
        return channel;
    }

    private static Channel roundTrip(ObjectMapper mapper) throws Exception {
        return mapper.readValue(mapper.writeValueAsString(history()), Channel.class);
    }

    @ParameterizedTest
    @MethodSource("io.backchannel.command.channel.SnapshotMappers#mappers")
    void aRetryAfterTheRoundTripIsStillDeduplicated(ObjectMapper mapper) throws Exception {
        Channel restored = roundTrip(mapper);

        fixture.givenState(() -> restored)
                .when(send("bob", "c-1", "hello"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents()
                .expectResultMessagePayload(new SendReceipt(messageId(2), CHANNEL, 2, POSTED_AT, "c-1", true));
    }

    @ParameterizedTest
    @MethodSource("io.backchannel.command.channel.SnapshotMappers#mappers")
    void aReusedKeyAfterTheRoundTripIsStillAConflict(ObjectMapper mapper) throws Exception {
        Channel restored = roundTrip(mapper);

        fixture.givenState(() -> restored)
                .when(send("bob", "c-1", "something else"))
                .expectException(rejected(CONFLICT))
                .expectNoEvents();
    }

    @ParameterizedTest
    @MethodSource("io.backchannel.command.channel.SnapshotMappers#mappers")
    void aNewSendAfterTheRoundTripContinuesTheSeqAndMayReplyToAnEarlierMessage(ObjectMapper mapper) throws Exception {
        Channel restored = roundTrip(mapper);

        fixture.givenState(() -> restored)
                .when(send("alice", "a-2", "a reply", 2L))
                .expectEvents(posted(4, "alice", "a-2", "a reply", 2L, NOW))
                .expectResultMessagePayload(new SendReceipt(messageId(4), CHANNEL, 4, NOW, "a-2", false));
    }

    @ParameterizedTest
    @MethodSource("io.backchannel.command.channel.SnapshotMappers#mappers")
    void aReplyToANonMessageAfterTheRoundTripIsStillInvalid(ObjectMapper mapper) throws Exception {
        Channel restored = roundTrip(mapper);

        fixture.givenState(() -> restored)
                .when(send("alice", "a-2", "a reply", 1L))
                .expectException(rejected(INVALID))
                .expectNoEvents();
    }

    @ParameterizedTest
    @MethodSource("io.backchannel.command.channel.SnapshotMappers#mappers")
    void privacyAndMembersSurviveTheRoundTrip(ObjectMapper mapper) throws Exception {
        Channel restored = roundTrip(mapper);

        fixture.givenState(() -> restored)
                .when(send("carol", "x-1", "let me in"))
                .expectException(rejected(NOT_FOUND))
                .expectNoEvents();
    }

    @Test
    void aRetryIsStillDeduplicatedAfterAxonsJacksonSerializerWroteTheSnapshot() {
        // The serializer that writes snapshots, with Axon's default (Spring Boot) ObjectMapper.
        JacksonSerializer serializer = JacksonSerializer.builder()
                .objectMapper(new ObjectMapper().findAndRegisterModules())
                .build();
        SerializedObject<byte[]> snapshot = serializer.serialize(history(), byte[].class);
        Channel restored = serializer.deserialize(snapshot);

        fixture.givenState(() -> restored)
                .when(send("bob", "c-1", "hello"))
                .expectNoEvents()
                .expectResultMessagePayload(new SendReceipt(messageId(2), CHANNEL, 2, POSTED_AT, "c-1", true));
    }
}
