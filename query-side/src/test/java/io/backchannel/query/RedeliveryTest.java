package io.backchannel.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.backchannel.api.account.AccountCreatedEvent;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.read.ReadMarkerMovedEvent;
import io.backchannel.api.team.ChannelNameReservedEvent;
import io.backchannel.api.team.MemberJoinedTeamEvent;
import io.backchannel.api.team.TeamCreatedEvent;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotent consumers, for every projection at once: a tracking processor delivers at least once (a batch
 * that failed half-way, or whose token was not stored before a crash, comes again), so delivering any event
 * again must change nothing anyone can read. The projections are found by scanning, so one added later is
 * held to this too. The stream has every event type the projections consume, in a realistic global order.
 */
class RedeliveryTest {

    @RegisterExtension
    static final MongoFixture mongo = new MongoFixture();

    private static final Instant T = Instant.parse("2025-06-01T10:00:00.123456789Z");

    private final List<ProjectionContext> contexts = new ArrayList<>();

    private ProjectionContext fresh() {
        mongo.beforeEach(null);
        ProjectionContext context = new ProjectionContext(mongo.template(), mongo.json());
        contexts.add(context);
        return context;
    }

    @AfterEach
    void close() {
        contexts.forEach(ProjectionContext::close);
    }

    /** What the projections hold after every event was delivered exactly once. */
    private Map<String, String> once() {
        ProjectionContext context = fresh();
        assertThat(context.projections()).as("the projections of the processing group")
                .extracting(Class::getSimpleName)
                .contains("ChannelLogProjection", "ChannelDirectoryProjection", "MessageHistoryProjection",
                        "MemberProjection", "BootProjection");
        stream().forEach(context::deliver);
        Map<String, String> contents = ProjectionContext.contents(mongo.template());
        assertThat(contents).isNotEmpty();
        return contents;
    }

    /**
     * The processor hands the projections a batch of events and sends their writes together after the last:
     * an edit, a reaction or a reply in the same batch as its message must still find it.
     */
    @Test
    void eventsHandledInBatchesOfAnySizeLeaveWhatOneAtATimeLeaves() {
        Map<String, String> expected = once();

        for (int size : new int[] {2, 3, 5, 8, 1_000}) {
            ProjectionContext context = fresh();
            context.deliverInBatches(stream(), size);
            assertThat(ProjectionContext.contents(mongo.template())).as("batches of %d", size).isEqualTo(expected);
        }
    }

    /** A crash between batches: the batches after the stored token come again, cut differently. */
    @Test
    void aStreamRedeliveredInOtherBatchesChangesNothing() {
        Map<String, String> expected = once();
        List<DomainEventMessage<?>> stream = stream();

        ProjectionContext context = fresh();
        context.deliverInBatches(stream.subList(0, 20), 7);
        context.deliverInBatches(stream.subList(9, stream.size()), 4);

        assertThat(ProjectionContext.contents(mongo.template())).isEqualTo(expected);
    }

    @Test
    void everyEventDeliveredTwiceInARowChangesNothing() {
        Map<String, String> expected = once();

        ProjectionContext context = fresh();
        for (DomainEventMessage<?> event : stream()) {
            context.deliver(event);
            context.deliver(event);
        }

        assertThat(ProjectionContext.contents(mongo.template())).isEqualTo(expected);
    }

    @Test
    void theWholeStreamReplayedOverTheProjectionsChangesNothing() {
        Map<String, String> expected = once();

        ProjectionContext context = fresh();
        context.deliver(stream());
        context.deliver(stream());

        assertThat(ProjectionContext.contents(mongo.template())).isEqualTo(expected);
    }

    /** The crash case: events up to k were written, the stored token was at j < k, so j+1..k come again. */
    @Test
    void everyRedeliveredWindowChangesNothing() {
        Map<String, String> expected = once();
        List<DomainEventMessage<?>> stream = stream();

        for (int[] window : new int[][] {{3, 9}, {10, 25}, {0, stream.size()}, {17, 30}, {22, 28}}) {
            int from = window[0];
            int to = Math.min(window[1], stream.size());
            ProjectionContext context = fresh();
            context.deliver(stream.subList(0, to));
            context.deliver(stream.subList(from, stream.size()));
            assertThat(ProjectionContext.contents(mongo.template()))
                    .as("events %d to %d delivered again", from, to).isEqualTo(expected);
        }
    }

    /**
     * Two teams, three users; a public and a private channel with joins, a leave, messages, a thread, an edit,
     * reactions added and removed, a delete; read markers moving.
     */
    static List<DomainEventMessage<?>> stream() {
        List<DomainEventMessage<?>> events = new ArrayList<>();
        events.add(account("alice", "u1"));
        events.add(account("bob", "u2"));
        events.add(account("carol", "u3"));
        events.add(team("t1", 0, new TeamCreatedEvent("t1", "Team One", "u1", "c1", T)));
        events.add(team("t1", 1, new MemberJoinedTeamEvent("t1", "u1", T)));
        events.add(channel("{\"type\":\"channel.created\",\"channelId\":\"c1\",\"seq\":0,\"ts\":\"%s\",\"teamId\":\"t1\","
                + "\"name\":\"general\",\"private\":false,\"userId\":\"u1\"}"));
        events.add(team("t1", 2, new MemberJoinedTeamEvent("t1", "u2", T)));
        events.add(channel("{\"type\":\"member.joined\",\"channelId\":\"c1\",\"seq\":1,\"ts\":\"%s\",\"userId\":\"u2\"}"));
        events.add(team("t1", 3, new MemberJoinedTeamEvent("t1", "u3", T)));
        events.add(channel("{\"type\":\"member.joined\",\"channelId\":\"c1\",\"seq\":2,\"ts\":\"%s\",\"userId\":\"u3\"}"));
        events.add(team("t1", 4, new ChannelNameReservedEvent("t1", "c2", "secret", T)));
        events.add(channel("{\"type\":\"channel.created\",\"channelId\":\"c2\",\"seq\":0,\"ts\":\"%s\",\"teamId\":\"t1\","
                + "\"name\":\"secret\",\"private\":true,\"userId\":\"u2\"}"));
        events.add(channel("{\"type\":\"message.posted\",\"channelId\":\"c1\",\"seq\":3,\"ts\":\"%s\",\"messageId\":\"m1\","
                + "\"clientMsgId\":\"k1\",\"userId\":\"u1\",\"text\":\"hello world\",\"threadSeq\":null}"));
        events.add(channel("{\"type\":\"message.posted\",\"channelId\":\"c1\",\"seq\":4,\"ts\":\"%s\",\"messageId\":\"m2\","
                + "\"clientMsgId\":\"k2\",\"userId\":\"u2\",\"text\":\"a reply in the thread\",\"threadSeq\":3}"));
        events.add(channel("{\"type\":\"member.joined\",\"channelId\":\"c2\",\"seq\":1,\"ts\":\"%s\",\"userId\":\"u1\"}"));
        events.add(channel("{\"type\":\"message.posted\",\"channelId\":\"c2\",\"seq\":2,\"ts\":\"%s\",\"messageId\":\"m3\","
                + "\"clientMsgId\":\"k3\",\"userId\":\"u2\",\"text\":\"secret words\",\"threadSeq\":null}"));
        events.add(read("u2", 0, "c1", 3));
        events.add(channel("{\"type\":\"message.posted\",\"channelId\":\"c1\",\"seq\":5,\"ts\":\"%s\",\"messageId\":\"m4\","
                + "\"clientMsgId\":\"k4\",\"userId\":\"u3\",\"text\":\"another reply\",\"threadSeq\":3}"));
        events.add(channel("{\"type\":\"message.edited\",\"channelId\":\"c1\",\"seq\":6,\"ts\":\"%s\",\"messageSeq\":3,"
                + "\"userId\":\"u1\",\"text\":\"hello edited world\"}"));
        events.add(channel("{\"type\":\"reaction.added\",\"channelId\":\"c1\",\"seq\":7,\"ts\":\"%s\",\"messageSeq\":3,"
                + "\"userId\":\"u2\",\"emoji\":\"tada\"}"));
        events.add(channel("{\"type\":\"reaction.added\",\"channelId\":\"c1\",\"seq\":8,\"ts\":\"%s\",\"messageSeq\":3,"
                + "\"userId\":\"u3\",\"emoji\":\"tada\"}"));
        events.add(read("u2", 1, "c1", 8));
        events.add(channel("{\"type\":\"reaction.removed\",\"channelId\":\"c1\",\"seq\":9,\"ts\":\"%s\",\"messageSeq\":3,"
                + "\"userId\":\"u3\",\"emoji\":\"tada\"}"));
        events.add(channel("{\"type\":\"message.posted\",\"channelId\":\"c1\",\"seq\":10,\"ts\":\"%s\",\"messageId\":\"m5\","
                + "\"clientMsgId\":\"k5\",\"userId\":\"u3\",\"text\":\"soon gone\",\"threadSeq\":null}"));
        events.add(channel("{\"type\":\"message.deleted\",\"channelId\":\"c1\",\"seq\":11,\"ts\":\"%s\",\"messageSeq\":10,"
                + "\"userId\":\"u3\"}"));
        events.add(read("u1", 0, "c2", 2));
        events.add(channel("{\"type\":\"member.left\",\"channelId\":\"c1\",\"seq\":12,\"ts\":\"%s\",\"userId\":\"u3\"}"));
        events.add(channel("{\"type\":\"message.posted\",\"channelId\":\"c1\",\"seq\":13,\"ts\":\"%s\",\"messageId\":\"m6\","
                + "\"clientMsgId\":\"k6\",\"userId\":\"u1\",\"text\":\"after carol left\",\"threadSeq\":null}"));
        events.add(read("u2", 2, "c1", 13));
        events.add(team("t2", 0, new TeamCreatedEvent("t2", "Team Two", "u3", "c3", T)));
        events.add(team("t2", 1, new MemberJoinedTeamEvent("t2", "u3", T)));
        events.add(channel("{\"type\":\"channel.created\",\"channelId\":\"c3\",\"seq\":0,\"ts\":\"%s\",\"teamId\":\"t2\","
                + "\"name\":\"general\",\"private\":false,\"userId\":\"u3\"}"));
        events.add(channel("{\"type\":\"message.posted\",\"channelId\":\"c3\",\"seq\":1,\"ts\":\"%s\",\"messageId\":\"m7\","
                + "\"clientMsgId\":\"k7\",\"userId\":\"u3\",\"text\":\"hello team two\",\"threadSeq\":null}"));
        return events;
    }

    private static DomainEventMessage<?> account(String username, String userId) {
        return new GenericDomainEventMessage<>("Account", username, 0,
                new AccountCreatedEvent(username, userId, "Display " + username, T));
    }

    private static DomainEventMessage<?> team(String teamId, long seq, Object event) {
        return new GenericDomainEventMessage<>("Team", teamId, seq, event);
    }

    private static DomainEventMessage<?> read(String userId, long seq, String channelId, long markerSeq) {
        return new GenericDomainEventMessage<>("ReadState", userId, seq,
                new ReadMarkerMovedEvent(userId, channelId, "t1", markerSeq, T));
    }

    /** A channel event from its API JSON, so the stream does not depend on how the records are declared. */
    private static DomainEventMessage<?> channel(String json) {
        try {
            ChannelEvent event = mongo.json().readValue(json.formatted(T), ChannelEvent.class);
            return new GenericDomainEventMessage<>("Channel", event.channelId(), event.seq(), event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
