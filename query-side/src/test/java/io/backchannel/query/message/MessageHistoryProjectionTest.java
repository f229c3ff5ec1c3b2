package io.backchannel.query.message;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.message.FetchHistoryQuery;
import io.backchannel.api.message.MessagePage;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.message.MessageView;
import io.backchannel.query.MongoFixture;
import io.backchannel.query.channel.ChannelDirectoryProjection;
import io.backchannel.query.channel.ChannelLogProjection;
import io.backchannel.query.channel.ChannelTestSupport;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.BulkOperations.BulkMode;
import org.springframework.data.mongodb.core.ReactiveBulkOperations;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.backchannel.query.Projections.seqId;
import static io.backchannel.query.TestEvents.channelCreated;
import static io.backchannel.query.TestEvents.freshView;
import static io.backchannel.query.TestEvents.joined;
import static io.backchannel.query.TestEvents.left;
import static io.backchannel.query.TestEvents.posted;
import static io.backchannel.query.TestEvents.reply;
import static io.backchannel.query.member.MemberTestSupport.memberProjection;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

class MessageHistoryProjectionTest {

    @RegisterExtension
    static final MongoFixture mongo = new MongoFixture();

    private static final String C = "c1";

    private ChannelDirectoryProjection directory;
    private ChannelLogProjection log;
    private MessageHistoryProjection history;

    @BeforeEach
    void setUp() {
        directory = ChannelTestSupport.channelDirectory(mongo.template(), memberProjection(mongo.template()));
        log = ChannelTestSupport.channelLog(mongo.template(), mongo.json());
        history = new MessageHistoryProjection(mongo.template(), directory, log);
    }

    /** Delivers events to every projection history reads from, as the one processing group does. */
    private void deliver(ChannelEvent... events) {
        for (ChannelEvent event : events) {
            ChannelTestSupport.apply(directory, event);
            ChannelTestSupport.apply(log, event);
            if (event instanceof MessagePostedEvent message) {
                history.on(message);
            }
        }
    }

    /** Channel {@value C}: created at seq 0, then {@code count} messages at seqs 1..count. */
    private List<MessagePostedEvent> channelWithMessages(int count) {
        deliver(channelCreated(C, "t1", "u1"));
        List<MessagePostedEvent> messages = new ArrayList<>();
        for (long seq = 1; seq <= count; seq++) {
            MessagePostedEvent message = posted(C, seq, seq % 2 == 0 ? "u1" : "u2");
            deliver(message);
            messages.add(message);
        }
        return messages;
    }

    private MessagePage fetch(String channelId, Long before, Long after, int limit) throws Exception {
        return history.handle(new FetchHistoryQuery(channelId, before, after, limit)).get(5, SECONDS);
    }

    private MessagePage fetch(Long before, Long after, int limit) throws Exception {
        return fetch(C, before, after, limit);
    }

    private static List<Long> seqs(MessagePage page) {
        return page.messages().stream().map(MessageView::seq).toList();
    }

    private static List<Long> seqs(String spaceSeparated) {
        return spaceSeparated == null ? List.of() : Arrays.stream(spaceSeparated.split(" ")).map(Long::valueOf).toList();
    }

    @ParameterizedTest(name = "latest {0} -> [{1}] hasMore={2}")
    @CsvSource({
            "1,   10,                   true",
            "3,   8 9 10,               true",
            "9,   2 3 4 5 6 7 8 9 10,   true",
            "10,  1 2 3 4 5 6 7 8 9 10, false",
            "11,  1 2 3 4 5 6 7 8 9 10, false",
            "200, 1 2 3 4 5 6 7 8 9 10, false"
    })
    void withoutACursorAnswersTheLatestMessagesAscending(int limit, String expected, boolean hasMore)
            throws Exception {
        channelWithMessages(10);

        MessagePage page = fetch(null, null, limit);

        assertThat(seqs(page)).isEqualTo(seqs(expected));
        assertThat(page.hasMore()).isEqualTo(hasMore);
    }

    @ParameterizedTest(name = "before={0} limit={1} -> [{2}] hasMore={3}")
    @CsvSource({
            "5,   2,  3 4,     true",
            "5,   3,  2 3 4,   true",
            "5,   4,  1 2 3 4, false",
            "5,   10, 1 2 3 4, false",
            "3,   2,  1 2,     false",
            "2,   1,  1,       false",
            "1,   5,  ,        false",
            "0,   5,  ,        false",
            "10,  1,  9,       true",
            "11,  3,  8 9 10,  true",
            "100, 3,  8 9 10,  true"
    })
    void beforeAnswersTheMessagesJustBelowTheCursor(long before, int limit, String expected, boolean hasMore)
            throws Exception {
        channelWithMessages(10);

        MessagePage page = fetch(before, null, limit);

        assertThat(seqs(page)).isEqualTo(seqs(expected));
        assertThat(page.hasMore()).isEqualTo(hasMore);
    }

    @ParameterizedTest(name = "after={0} limit={1} -> [{2}] hasMore={3}")
    @CsvSource({
            "-1, 2,  1 2,        true",
            "0,  2,  1 2,        true",
            "0,  10, 1 2 3 4 5 6 7 8 9 10, false",
            "5,  2,  6 7,        true",
            "5,  5,  6 7 8 9 10, false",
            "5,  4,  6 7 8 9,    true",
            "8,  5,  9 10,       false",
            "9,  1,  10,         false",
            "10, 5,  ,           false",
            "50, 5,  ,           false"
    })
    void afterAnswersTheMessagesJustAboveTheCursor(long after, int limit, String expected, boolean hasMore)
            throws Exception {
        channelWithMessages(10);

        MessagePage page = fetch(null, after, limit);

        assertThat(seqs(page)).isEqualTo(seqs(expected));
        assertThat(page.hasMore()).isEqualTo(hasMore);
    }

    @Test
    void aNewMessageIsShownAsPostedWithDefaults() throws Exception {
        List<MessagePostedEvent> messages = channelWithMessages(3);

        MessagePage page = fetch(null, null, 50);

        assertThat(page).isEqualTo(new MessagePage(messages.stream().map(m -> freshView(m, 0)).toList(), false));
        MessageView first = page.messages().get(0);
        assertThat(first.deleted()).isFalse();
        assertThat(first.editedAt()).isNull();
        assertThat(first.reactions()).isEmpty();
        assertThat(first.threadSeq()).isNull();
        assertThat(first.replyCount()).isZero();
        assertThat(first.ts()).isEqualTo(messages.get(0).ts());
    }

    /** seq 0 created, 1 message, 2..31 joins, 32 message, 33 left, 34 message, 35 join, 36 message, 37 join. */
    private void interleavedChannel() {
        deliver(channelCreated(C, "t1", "u1"), posted(C, 1, "u1"));
        for (long seq = 2; seq <= 31; seq++) {
            deliver(joined(C, seq, "j" + seq));
        }
        deliver(posted(C, 32, "j2"), left(C, 33, "j3"), posted(C, 34, "u1"), joined(C, 35, "j3"),
                posted(C, 36, "j3"), joined(C, 37, "x"));
    }

    @ParameterizedTest(name = "before={0} after={1} limit={2} -> [{3}] hasMore={4}")
    @CsvSource({
            ",   ,   1, 36,          true",
            ",   ,   3, 32 34 36,    true",
            ",   ,   4, 1 32 34 36,  false",
            ",   ,   9, 1 32 34 36,  false",
            "32, ,   1, 1,           false",
            "33, ,   1, 32,          true",
            "34, ,   2, 1 32,        false",
            "37, ,   2, 34 36,       true",
            "38, ,   2, 34 36,       true",
            "2,  ,   5, 1,           false",
            "1,  ,   5, ,            false",
            ",   -1, 1, 1,           true",
            ",   0,  2, 1 32,        true",
            ",   1,  1, 32,          true",
            ",   1,  3, 32 34 36,    false",
            ",   2,  3, 32 34 36,    false",
            ",   31, 2, 32 34,       true",
            ",   34, 5, 36,          false",
            ",   36, 5, ,            false"
    })
    void seqsThatAreNotMessagesAreSkippedAndPagesStillFill(Long before, Long after, int limit, String expected,
                                                           boolean hasMore) throws Exception {
        interleavedChannel();

        MessagePage page = fetch(before, after, limit);

        assertThat(seqs(page)).isEqualTo(seqs(expected));
        assertThat(page.hasMore()).isEqualTo(hasMore);
    }

    @Test
    void aChannelWithoutMessagesHasAnEmptyHistory() throws Exception {
        deliver(channelCreated(C, "t1", "u1"), joined(C, 1, "u2"), joined(C, 2, "u3"), left(C, 3, "u2"));

        MessagePage empty = new MessagePage(List.of(), false);
        assertThat(fetch(null, null, 50)).isEqualTo(empty);
        assertThat(fetch(null, null, 1)).isEqualTo(empty);
        assertThat(fetch(3L, null, 50)).isEqualTo(empty);
        assertThat(fetch(null, -1L, 50)).isEqualTo(empty);
        assertThat(fetch("unknown", null, null, 50)).isEqualTo(empty);
        assertThat(fetch("unknown", null, -1L, 50)).isEqualTo(empty);
    }

    @Test
    void aChannelsHistoryHoldsOnlyItsOwnMessages() throws Exception {
        channelWithMessages(3);
        deliver(channelCreated("c10", "t1", "u1"), posted("c10", 1, "u1"), posted("c10", 2, "u1"),
                posted("c10", 3, "u1"), posted("c10", 4, "u1"));

        assertThat(seqs(fetch(null, null, 50))).containsExactly(1L, 2L, 3L);
        assertThat(fetch(null, null, 50).messages()).allMatch(m -> m.channelId().equals(C));
        assertThat(fetch("c10", null, null, 50).messages()).hasSize(4).allMatch(m -> m.channelId().equals("c10"));
    }

    @Test
    void aRedeliveredMessageIsShownOnce() throws Exception {
        List<MessagePostedEvent> messages = channelWithMessages(3);
        MessagePage once = fetch(null, null, 50);

        messages.forEach(this::deliver);

        assertThat(fetch(null, null, 50)).isEqualTo(once);
        assertThat(mongo.count(MessageHistoryProjection.COLLECTION)).isEqualTo(3);
    }

    @Test
    void eachReplyCountsOnceOnItsParentEvenWhenDeliveredTwice() throws Exception {
        MessagePostedEvent parent = posted(C, 1, "u1");
        MessagePostedEvent first = reply(C, 2, "u2", 1);
        MessagePostedEvent other = posted(C, 3, "u2");
        MessagePostedEvent second = reply(C, 4, "u1", 1);
        MessagePostedEvent nested = reply(C, 5, "u1", 3);
        deliver(channelCreated(C, "t1", "u1"), parent, first, first, other, second, nested, second);

        assertThat(fetch(null, null, 50).messages()).containsExactly(
                freshView(parent, 2), freshView(first, 0), freshView(other, 1), freshView(second, 0),
                freshView(nested, 0));
        assertThat(mongo.count(MessageHistoryProjection.COLLECTION)).isEqualTo(5);
    }

    @Test
    void aReplyRetriedAfterAFailedCountStillCountsOnce() throws Exception {
        ReactiveMongoTemplate flaky = spy(mongo.template());
        AtomicInteger writesUntilFailure = new AtomicInteger(-1);
        AtomicBoolean failedOnce = new AtomicBoolean();
        doAnswer(invocation -> {
            ReactiveBulkOperations bulk = spy((ReactiveBulkOperations) invocation.callRealMethod());
            doAnswer(execute -> writesUntilFailure.decrementAndGet() == 0 && failedOnce.compareAndSet(false, true)
                    ? Mono.error(new DataAccessResourceFailureException("connection lost while counting the reply"))
                    : execute.callRealMethod()).when(bulk).execute();
            return bulk;
        }).when(flaky).bulkOps(any(BulkMode.class), eq(MessageHistoryProjection.COLLECTION));
        history = new MessageHistoryProjection(flaky, directory, log);
        MessagePostedEvent parent = posted(C, 1, "u1");
        MessagePostedEvent reply = reply(C, 2, "u2", 1);
        deliver(channelCreated(C, "t1", "u1"), parent);
        writesUntilFailure.set(2);         // the reply's own insert goes first, then the parent's count

        assertThatThrownBy(() -> deliver(reply)).isInstanceOf(DataAccessResourceFailureException.class);
        deliver(reply);                    // the tracking processor retries the failed event

        assertThat(failedOnce).isTrue();
        assertThat(fetch(null, null, 50).messages()).containsExactly(freshView(parent, 1), freshView(reply, 0));
    }

    @Test
    void aLargeHistoryWalkedPageByPageShowsEveryMessageOnceInOrder() throws Exception {
        deliver(channelCreated(C, "t1", "u1"));
        List<MessageView> expected = new ArrayList<>();
        long seq = 0;
        for (int i = 1; i <= 1_000; i++) {
            MessagePostedEvent message = posted(C, ++seq, "u" + (i % 7));
            deliver(message);
            expected.add(freshView(message, 0));
            if (i % 10 == 5) {
                deliver(joined(C, ++seq, "joiner" + i));
            }
        }
        assertThat(seq).isEqualTo(1_100);
        assertThat(mongo.count(MessageHistoryProjection.COLLECTION)).isEqualTo(1_000);

        // Backwards from the latest, as a client scrolls up.
        List<MessageView> backwards = new ArrayList<>();
        List<Boolean> hasMore = new ArrayList<>();
        Long before = null;
        MessagePage page;
        do {
            page = fetch(before, null, 50);
            assertThat(page.messages()).as("page %d", hasMore.size()).hasSize(50);
            assertThat(seqs(page)).isSorted();
            backwards.addAll(0, page.messages());
            hasMore.add(page.hasMore());
            before = page.messages().get(0).seq();
        } while (page.hasMore() && hasMore.size() <= 25);
        assertThat(backwards).containsExactlyElementsOf(expected);
        assertThat(hasMore).hasSize(20).endsWith(false);
        assertThat(hasMore.subList(0, 19)).containsOnly(true);

        // Forwards from the start, as a client catching up.
        List<MessageView> forwards = new ArrayList<>();
        long after = -1;
        int pages = 0;
        do {
            page = fetch(null, after, 50);
            assertThat(page.messages()).as("page %d", pages).hasSize(50);
            forwards.addAll(page.messages());
            after = page.messages().get(page.messages().size() - 1).seq();
            pages++;
        } while (page.hasMore() && pages <= 25);
        assertThat(forwards).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(20);
        assertThat(fetch(null, after, 50)).isEqualTo(new MessagePage(List.of(), false));
    }

    @Test
    void aMessageIsStoredUnderItsComputableKey() {
        channelWithMessages(1);

        Document stored = mongo.findById(MessageHistoryProjection.COLLECTION, seqId(C, 1));
        assertThat(stored).isNotNull();
        assertThat(stored.get("seq", Number.class).longValue()).isEqualTo(1);
        assertThat(stored.getBoolean("deleted")).isFalse();
        assertThat(stored.containsKey("editedAt")).isTrue();
        assertThat(stored.get("editedAt")).isNull();
    }
}
