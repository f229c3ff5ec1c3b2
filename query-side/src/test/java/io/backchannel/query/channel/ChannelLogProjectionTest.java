package io.backchannel.query.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.EventPage;
import io.backchannel.api.channel.FetchEventsQuery;
import io.backchannel.api.channel.FollowChannelQuery;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.query.MongoFixture;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.GenericSubscriptionQueryMessage;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.axonframework.queryhandling.UpdateHandlerRegistration;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;
import reactor.test.StepVerifier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.backchannel.query.Projections.seqId;
import static io.backchannel.query.TestEvents.channelCreated;
import static io.backchannel.query.TestEvents.joined;
import static io.backchannel.query.TestEvents.left;
import static io.backchannel.query.TestEvents.posted;
import static io.backchannel.query.TestEvents.privateChannelCreated;
import static io.backchannel.query.TestEvents.reply;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

class ChannelLogProjectionTest {

    @RegisterExtension
    static final MongoFixture mongo = new MongoFixture();

    private static final String C = "c1";

    private QueryUpdateEmitter emitter;
    private ChannelLogProjection log;

    @BeforeEach
    void setUp() {
        emitter = SimpleQueryUpdateEmitter.builder().build();
        log = new ChannelLogProjection(mongo.template(), mongo.json(), emitter);
    }

    /** seqs 0..4 of channel {@value C}: one event of every type. */
    private List<ChannelEvent> fiveEvents() {
        return List.of(channelCreated(C, "t1", "u1"), joined(C, 1, "u2"), posted(C, 2, "u2"), reply(C, 3, "u1", 2),
                left(C, 4, "u2"));
    }

    private EventPage fetch(String channelId, long after, int limit) throws Exception {
        return log.handle(new FetchEventsQuery(channelId, after, limit)).get(5, SECONDS);
    }

    private static List<Long> seqs(EventPage page) {
        return page.events().stream().map(ChannelEvent::seq).toList();
    }

    private static List<Long> seqs(String spaceSeparated) {
        return spaceSeparated == null ? List.of() : Arrays.stream(spaceSeparated.split(" ")).map(Long::valueOf).toList();
    }

    static Stream<Arguments> everyEventType() {
        Set<String> member = Set.of("type", "channelId", "seq", "ts", "userId");
        Set<String> message = Set.of("type", "channelId", "seq", "ts", "messageId", "clientMsgId", "userId", "text",
                "threadSeq");
        Set<String> created = Set.of("type", "channelId", "seq", "ts", "teamId", "name", "private", "userId");
        return Stream.of(
                Arguments.of("channel.created", channelCreated(C, "t1", "u1"), created),
                Arguments.of("channel.created", privateChannelCreated(C, "t1", "u1"), created),
                Arguments.of("member.joined", joined(C, 7, "u2"), member),
                Arguments.of("member.left", left(C, 8, "u2"), member),
                Arguments.of("message.posted", posted(C, 9, "u2"), message),
                Arguments.of("message.posted", reply(C, 10, "u1", 9), message));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyEventType")
    void storesEachEventInTheApiJsonShapeAndReadsItBackUnchanged(String type, ChannelEvent event, Set<String> keys)
            throws Exception {
        log.on(event);

        Document stored = mongo.findById(ChannelLogProjection.COLLECTION, seqId(C, event.seq()));
        assertThat(stored).isNotNull();
        assertThat(stored.getString("channelId")).isEqualTo(C);
        assertThat(stored.get("seq", Number.class).longValue()).isEqualTo(event.seq());
        assertThat(stored.getString("type")).isEqualTo(type);

        JsonNode json = mongo.json().readTree(stored.getString("json"));
        Set<String> fields = new HashSet<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).isEqualTo(keys);
        assertThat(json.get("type").asText()).isEqualTo(type);
        assertThat(json.get("channelId").asText()).isEqualTo(C);
        assertThat(json.get("seq").isIntegralNumber()).isTrue();
        assertThat(json.get("seq").asLong()).isEqualTo(event.seq());
        assertThat(json.get("ts").isTextual()).isTrue();
        assertThat(json.get("ts").asText()).isEqualTo(event.ts().toString());
        if (event instanceof MessagePostedEvent posted) {
            assertThat(json.get("threadSeq").isNull()).isEqualTo(posted.threadSeq() == null);
            if (posted.threadSeq() != null) {
                assertThat(json.get("threadSeq").asLong()).isEqualTo(posted.threadSeq());
            }
        }
        if (json.has("private")) {
            assertThat(json.get("private").isBoolean()).isTrue();
        }

        assertThat(fetch(C, event.seq() - 1, 1)).isEqualTo(new EventPage(List.of(event), false));
    }

    @Test
    void readsTheWholeLogBackUnchangedInSeqOrder() throws Exception {
        List<ChannelEvent> events = fiveEvents();
        events.forEach(log::on);

        assertThat(fetch(C, -1, 200)).isEqualTo(new EventPage(events, false));
    }

    @ParameterizedTest(name = "after={0} limit={1} -> [{2}] hasMore={3}")
    @CsvSource({
            "-1, 5, 0 1 2 3 4, false",
            "-1, 4, 0 1 2 3,   true",
            "-1, 1, 0,         true",
            "-1, 200, 0 1 2 3 4, false",
            " 0, 4, 1 2 3 4,   false",
            " 0, 3, 1 2 3,     true",
            " 2, 1, 3,         true",
            " 3, 1, 4,         false",
            " 3, 2, 4,         false",
            " 4, 10, ,         false",
            " 5, 10, ,         false",
            "100, 1, ,         false"
    })
    void pagesFromTheSeqAfterTheCursor(long after, int limit, String expected, boolean hasMore) throws Exception {
        List<ChannelEvent> events = fiveEvents();
        events.forEach(log::on);

        EventPage page = fetch(C, after, limit);

        assertThat(seqs(page)).isEqualTo(seqs(expected));
        assertThat(page.hasMore()).isEqualTo(hasMore);
        assertThat(page.events()).isEqualTo(events.stream().filter(e -> seqs(expected).contains(e.seq())).toList());
    }

    @Test
    void walkingForwardPageByPageSeesEveryEventOnce() throws Exception {
        List<ChannelEvent> events = fiveEvents();
        events.forEach(log::on);

        List<ChannelEvent> seen = new ArrayList<>();
        List<Boolean> hasMore = new ArrayList<>();
        long after = -1;
        EventPage page;
        do {
            page = fetch(C, after, 2);
            assertThat(page.events()).isNotEmpty();
            seen.addAll(page.events());
            hasMore.add(page.hasMore());
            after = page.events().get(page.events().size() - 1).seq();
        } while (page.hasMore() && hasMore.size() < 10);

        assertThat(seen).isEqualTo(events);
        assertThat(hasMore).containsExactly(true, true, false);
    }

    @Test
    void aChannelsLogHoldsOnlyItsOwnEvents() throws Exception {
        // "c10" starts with "c1": the keys must still keep the two apart.
        log.on(channelCreated(C, "t1", "u1"));
        log.on(channelCreated("c10", "t1", "u1"));
        log.on(posted("c10", 1, "u1"));
        log.on(posted(C, 1, "u1"));
        log.on(posted("c10", 2, "u1"));

        assertThat(fetch(C, -1, 50)).isEqualTo(new EventPage(List.of(channelCreated(C, "t1", "u1"),
                posted(C, 1, "u1")), false));
        assertThat(seqs(fetch("c10", -1, 50))).containsExactly(0L, 1L, 2L);
        assertThat(fetch("unknown", -1, 50)).isEqualTo(new EventPage(List.of(), false));
    }

    @Test
    void aRedeliveredEventLeavesOneDocumentAndTheSamePage() throws Exception {
        List<ChannelEvent> events = fiveEvents();
        events.forEach(log::on);
        EventPage before = fetch(C, -1, 200);

        events.forEach(log::on);           // the whole batch again, as a tracking processor replays it
        log.on(events.get(2));             // and one event on its own

        assertThat(mongo.count(ChannelLogProjection.COLLECTION)).isEqualTo(5);
        assertThat(fetch(C, -1, 200)).isEqualTo(before).isEqualTo(new EventPage(events, false));
    }

    @Test
    void emitsEachEventToTheFollowersOfItsChannelOnly() {
        SimpleQueryUpdateEmitter updates = SimpleQueryUpdateEmitter.builder().build();
        log = new ChannelLogProjection(mongo.template(), mongo.json(), updates);
        UpdateHandlerRegistration<ChannelEvent> c1 = updates.registerUpdateHandler(follow(C), 16);
        UpdateHandlerRegistration<ChannelEvent> c1Again = updates.registerUpdateHandler(follow(C), 16);
        UpdateHandlerRegistration<ChannelEvent> c10 = updates.registerUpdateHandler(follow("c10"), 16);

        ChannelEvent created = channelCreated(C, "t1", "u1");
        ChannelEvent other = channelCreated("c10", "t1", "u1");
        ChannelEvent message = posted(C, 1, "u1");
        log.on(created);
        log.on(other);
        log.on(message);
        updates.complete(query -> true);

        StepVerifier.create(c1.getUpdates().map(Message::getPayload)).expectNext(created, message).verifyComplete();
        StepVerifier.create(c1Again.getUpdates().map(Message::getPayload)).expectNext(created, message)
                .verifyComplete();
        StepVerifier.create(c10.getUpdates().map(Message::getPayload)).expectNext(other).verifyComplete();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void emitsOnlyOnceTheEventIsReadableWithAFilterMatchingItsChannel() throws Exception {
        QueryUpdateEmitter mock = mock(QueryUpdateEmitter.class);
        log = new ChannelLogProjection(mongo.template(), mongo.json(), mock);
        List<EventPage> readableAtEmit = new ArrayList<>();
        doAnswer(invocation -> {
            ChannelEvent event = invocation.getArgument(2);
            readableAtEmit.add(fetch(event.channelId(), event.seq() - 1, 1));
            return null;
        }).when(mock).emit(eq(FollowChannelQuery.class), any(Predicate.class), any(Object.class));

        ChannelEvent message = posted(C, 3, "u1");
        log.on(message);

        ArgumentCaptor<Predicate> filter = ArgumentCaptor.forClass(Predicate.class);
        verify(mock, times(1)).emit(eq(FollowChannelQuery.class), filter.capture(), eq((Object) message));
        assertThat(readableAtEmit).containsExactly(new EventPage(List.of(message), false));
        Predicate<FollowChannelQuery> matches = filter.getValue();
        assertThat(matches.test(new FollowChannelQuery(C))).isTrue();
        assertThat(matches.test(new FollowChannelQuery("c10"))).isFalse();
        assertThat(matches.test(new FollowChannelQuery("c"))).isFalse();
    }

    private static GenericSubscriptionQueryMessage<FollowChannelQuery, Long, ChannelEvent> follow(String channelId) {
        return new GenericSubscriptionQueryMessage<>(new FollowChannelQuery(channelId),
                ResponseTypes.instanceOf(Long.class), ResponseTypes.instanceOf(ChannelEvent.class));
    }
}
