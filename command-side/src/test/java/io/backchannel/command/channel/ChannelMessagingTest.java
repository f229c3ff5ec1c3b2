package io.backchannel.command.channel;

import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.message.SendMessageCommand;
import io.backchannel.api.message.SendMessagesCommand;
import io.backchannel.api.message.SendOutcomes;
import io.backchannel.api.message.SendReceipt;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.backchannel.api.Rejection.Kind.CONFLICT;
import static io.backchannel.api.Rejection.Kind.FORBIDDEN;
import static io.backchannel.api.Rejection.Kind.INVALID;
import static io.backchannel.api.Rejection.Kind.NOT_FOUND;
import static io.backchannel.command.Refusals.rejected;
import static io.backchannel.command.channel.ChannelFixtures.CHANNEL;
import static io.backchannel.command.channel.ChannelFixtures.EARLIER;
import static io.backchannel.command.channel.ChannelFixtures.NOW;
import static io.backchannel.command.channel.ChannelFixtures.created;
import static io.backchannel.command.channel.ChannelFixtures.joined;
import static io.backchannel.command.channel.ChannelFixtures.leave;
import static io.backchannel.command.channel.ChannelFixtures.left;
import static io.backchannel.command.channel.ChannelFixtures.messageId;
import static io.backchannel.command.channel.ChannelFixtures.posted;
import static io.backchannel.command.channel.ChannelFixtures.send;
import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.axonframework.test.matchers.Matchers.predicate;
import static org.hamcrest.Matchers.instanceOf;

/** SendMessageCommand and LeaveChannelCommand, handled by the Channel aggregate itself. */
class ChannelMessagingTest {

    private AggregateTestFixture<Channel> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Channel.class);
        fixture.givenCurrentTime(NOW);
    }

    /** alice created the public channel (seq 0), bob joined it (seq 1). */
    private TestExecutor<Channel> givenPublicChannelWithAliceAndBob() {
        return fixture.given(created(false), joined(1, "bob"));
    }

    private TestExecutor<Channel> givenPrivateChannelWithAliceAndBob() {
        return fixture.given(created(true), joined(1, "bob"));
    }

    private static MessagePostedEvent postedNow(long seq, String userId, String clientMsgId, String text, Long threadSeq) {
        return posted(seq, userId, clientMsgId, text, threadSeq, NOW);
    }

    private static SendReceipt receipt(long seq, Instant ts, String clientMsgId, boolean replayed) {
        return new SendReceipt(messageId(seq), CHANNEL, seq, ts, clientMsgId, replayed);
    }

    @Nested
    class Sending {

        @Test
        void aMemberPostsWithTheNextSeq() {
            givenPublicChannelWithAliceAndBob()
                    .when(send("bob", "c-1", "hello"))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(postedNow(2, "bob", "c-1", "hello", null))
                    .expectResultMessagePayload(receipt(2, NOW, "c-1", false));
        }

        @Test
        void theCreatorPostsRightAfterCreation() {
            fixture.given(created(false))
                    .when(send("alice", "c-1", "first"))
                    .expectEvents(postedNow(1, "alice", "c-1", "first", null))
                    .expectResultMessagePayload(receipt(1, NOW, "c-1", false));
        }

        @Test
        void theSeqIsTheAggregatesEventSequenceNumberSoTheLogIsGapless() {
            givenPublicChannelWithAliceAndBob()
                    .andGiven(posted(2, "alice", "a-1", "one"), left(3, "bob"), joined(4, "bob"))
                    .when(send("bob", "c-1", "five"))
                    .expectEventsMatching(exactSequenceOf(
                            predicate((EventMessage<?> event) -> event instanceof DomainEventMessage<?> domain
                                    && domain.getSequenceNumber() == 5
                                    && domain.getPayload() instanceof MessagePostedEvent posted
                                    && posted.seq() == 5),
                            andNoMore()));
        }

        @Test
        void aNonMemberOfAPublicChannelIsForbidden() {
            givenPublicChannelWithAliceAndBob()
                    .when(send("carol", "c-1", "hello"))
                    .expectException(rejected(FORBIDDEN))
                    .expectNoEvents();
        }

        @Test
        void aNonMemberOfAPrivateChannelIsToldItDoesNotExist() {
            givenPrivateChannelWithAliceAndBob()
                    .when(send("carol", "c-1", "hello"))
                    .expectException(rejected(NOT_FOUND))
                    .expectExceptionMessage("no such channel")
                    .expectNoEvents();
        }

        @Test
        void aMemberOfAPrivateChannelPosts() {
            givenPrivateChannelWithAliceAndBob()
                    .when(send("bob", "c-1", "psst"))
                    .expectEvents(postedNow(2, "bob", "c-1", "psst", null));
        }

        @Test
        void aMemberWhoLeftMayNoLongerPost() {
            givenPublicChannelWithAliceAndBob()
                    .andGiven(left(2, "bob"))
                    .when(send("bob", "c-1", "hello?"))
                    .expectException(rejected(FORBIDDEN))
                    .expectNoEvents();
        }

        @Test
        void sendingToAnUnknownChannelFailsAsNotFound() {
            fixture.givenNoPriorActivity()
                    .when(send("bob", "c-1", "hello"))
                    .expectException(instanceOf(AggregateNotFoundException.class))
                    .expectNoEvents();
        }
    }

    @Nested
    class Dedup {

        private final Instant postedAt = Instant.parse("2026-03-01T11:59:00.456Z");

        @Test
        void aRetryAppendsNothingAndAnswersTheOriginalReceipt() {
            givenPublicChannelWithAliceAndBob()
                    .andGiven(posted(2, "bob", "c-1", "hello", null, postedAt), posted(3, "alice", "a-1", "hi bob"))
                    .when(send("bob", "c-1", "hello"))
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents()
                    .expectResultMessagePayload(receipt(2, postedAt, "c-1", true));
        }

        @Test
        void aRetryOfAThreadReplyAnswersTheOriginalReceipt() {
            givenPublicChannelWithAliceAndBob()
                    .andGiven(posted(2, "alice", "a-1", "topic"), posted(3, "bob", "c-1", "reply", 2L, postedAt))
                    .when(send("bob", "c-1", "reply", 2L))
                    .expectNoEvents()
                    .expectResultMessagePayload(receipt(3, postedAt, "c-1", true));
        }

        @Test
        void aSendIsStampedToTheMillisecondSoARetryAnswersTheSameTs() {
            Instant preciseNow = Instant.parse("2026-03-01T11:59:00.456789Z");
            Instant stamped = Instant.parse("2026-03-01T11:59:00.456Z");
            givenPublicChannelWithAliceAndBob()
                    .andGivenCurrentTime(preciseNow)
                    .when(send("bob", "c-1", "hello"))
                    .expectEvents(posted(2, "bob", "c-1", "hello", null, stamped))
                    .expectResultMessagePayload(receipt(2, stamped, "c-1", false));
        }

        @Test
        void theSameKeyWithADifferentTextIsAConflict() {
            givenPublicChannelWithAliceAndBob()
                    .andGiven(posted(2, "bob", "c-1", "hello"))
                    .when(send("bob", "c-1", "hello, world"))
                    .expectException(rejected(CONFLICT))
                    .expectNoEvents();
        }

        @Test
        void theSameKeyWithADifferentThreadIsAConflict() {
            givenPublicChannelWithAliceAndBob()
                    .andGiven(posted(2, "alice", "a-1", "topic"), posted(3, "bob", "c-1", "hello"))
                    .when(send("bob", "c-1", "hello", 2L))
                    .expectException(rejected(CONFLICT))
                    .expectNoEvents();
        }

        @Test
        void theSameClientMsgIdFromAnotherUserIsANewMessage() {
            givenPublicChannelWithAliceAndBob()
                    .andGiven(posted(2, "bob", "c-1", "hello"))
                    .when(send("alice", "c-1", "hello"))
                    .expectEvents(postedNow(3, "alice", "c-1", "hello", null))
                    .expectResultMessagePayload(receipt(3, NOW, "c-1", false));
        }

        @Test
        void aRetryWithin24HoursIsStillDeduplicatedAfterNewerSends() {
            Instant first = NOW.minus(Duration.ofHours(23));
            givenPublicChannelWithAliceAndBob()
                    .andGiven(posted(2, "bob", "c-1", "hello", null, first),
                            posted(3, "alice", "a-1", "later", null, NOW.minusSeconds(1)))
                    .when(send("bob", "c-1", "hello"))
                    .expectNoEvents()
                    .expectResultMessagePayload(receipt(2, first, "c-1", true));
        }

        @Test
        void aKeyOlderThan24HoursIsForgottenOnceANewerSendIsRemembered() {
            Instant first = NOW.minus(Duration.ofHours(25));
            givenPublicChannelWithAliceAndBob()
                    .andGiven(posted(2, "bob", "c-1", "hello", null, first),
                            posted(3, "alice", "a-1", "later", null, NOW.minusSeconds(1)))
                    .when(send("bob", "c-1", "hello"))
                    .expectEvents(postedNow(4, "bob", "c-1", "hello", null))
                    .expectResultMessagePayload(receipt(4, NOW, "c-1", false));
        }
    }

    @Nested
    class Validation {

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {"has space", "dot.ted", "sl/ash", "ünicode", "tab\t"})
        void aBadClientMsgIdIsInvalid(String clientMsgId) {
            givenPublicChannelWithAliceAndBob()
                    .when(send("bob", clientMsgId, "hello"))
                    .expectException(rejected(INVALID))
                    .expectExceptionMessage("clientMsgId must match ^[A-Za-z0-9_-]{1,64}$")
                    .expectNoEvents();
        }

        @Test
        void aClientMsgIdOf65CharactersIsInvalid() {
            givenPublicChannelWithAliceAndBob()
                    .when(send("bob", "x".repeat(65), "hello"))
                    .expectException(rejected(INVALID))
                    .expectNoEvents();
        }

        @Test
        void aClientMsgIdOf64AllowedCharactersIsAccepted() {
            String clientMsgId = "Az09_-Az".repeat(8);
            givenPublicChannelWithAliceAndBob()
                    .when(send("bob", clientMsgId, "hello"))
                    .expectEvents(postedNow(2, "bob", clientMsgId, "hello", null));
        }

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {" ", "\n\t  "})
        void aBlankTextIsInvalid(String text) {
            givenPublicChannelWithAliceAndBob()
                    .when(send("bob", "c-1", text))
                    .expectException(rejected(INVALID))
                    .expectExceptionMessage("text must be 1-40000 characters and not blank")
                    .expectNoEvents();
        }

        @Test
        void aTextOf40001CodePointsIsInvalid() {
            givenPublicChannelWithAliceAndBob()
                    .when(send("bob", "c-1", "a".repeat(40_001)))
                    .expectException(rejected(INVALID))
                    .expectNoEvents();
        }

        @Test
        void aTextOf40001AstralCodePointsIsInvalid() {
            givenPublicChannelWithAliceAndBob()
                    .when(send("bob", "c-1", "\uD83D\uDE00".repeat(40_001)))
                    .expectException(rejected(INVALID))
                    .expectNoEvents();
        }

        @Test
        void aTextOf40000CodePointsIsAccepted() {
            String text = "a".repeat(40_000);
            givenPublicChannelWithAliceAndBob()
                    .when(send("bob", "c-1", text))
                    .expectEvents(postedNow(2, "bob", "c-1", text, null));
        }

        @Test
        void aTextOf40000EmojiCountsCodePointsNotChars() {
            String text = "\uD83D\uDE00".repeat(39_999) + "!"; // 79,999 chars, 40,000 code points
            givenPublicChannelWithAliceAndBob()
                    .when(send("bob", "c-1", text))
                    .expectEvents(postedNow(2, "bob", "c-1", text, null));
        }

        @ParameterizedTest
        @ValueSource(longs = {0 /* channel.created */, 1 /* member.joined */, 4 /* left */, 5 /* next seq */, 99, -1})
        void aThreadSeqThatIsNotAMessageIsInvalid(long threadSeq) {
            givenPublicChannelWithAliceAndBob()
                    .andGiven(posted(2, "alice", "a-1", "topic"), posted(3, "bob", "b-1", "more"), left(4, "alice"))
                    .when(send("bob", "c-1", "reply", threadSeq))
                    .expectException(rejected(INVALID))
                    .expectNoEvents();
        }

        @ParameterizedTest
        @ValueSource(longs = {2, 3})
        void aThreadSeqOfAnExistingMessageIsAccepted(long threadSeq) {
            givenPublicChannelWithAliceAndBob()
                    .andGiven(posted(2, "alice", "a-1", "topic"), posted(3, "bob", "b-1", "more"), left(4, "alice"))
                    .when(send("bob", "c-1", "reply", threadSeq))
                    .expectEvents(postedNow(5, "bob", "c-1", "reply", threadSeq))
                    .expectResultMessagePayload(receipt(5, NOW, "c-1", false));
        }
    }

    @Nested
    class Leaving {

        @Test
        void aMemberLeavesWithTheNextSeq() {
            givenPublicChannelWithAliceAndBob()
                    .andGiven(posted(2, "alice", "a-1", "bye?"))
                    .when(leave("bob"))
                    .expectEvents(new MemberLeftChannelEvent(CHANNEL, 3, NOW, "bob"))
                    .expectResultMessagePayload(3L);
        }

        @Test
        void theCreatorCanLeave() {
            givenPrivateChannelWithAliceAndBob()
                    .when(leave("alice"))
                    .expectEvents(new MemberLeftChannelEvent(CHANNEL, 2, NOW, "alice"))
                    .expectResultMessagePayload(2L);
        }

        @Test
        void aNonMemberLeavingChangesNothingAndAnswersTheLastSeq() {
            givenPublicChannelWithAliceAndBob()
                    .when(leave("carol"))
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents()
                    .expectResultMessagePayload(1L);
        }

        @Test
        void leavingTwiceAppendsOnlyOnce() {
            givenPublicChannelWithAliceAndBob()
                    .andGiven(left(2, "bob"))
                    .when(leave("bob"))
                    .expectNoEvents()
                    .expectResultMessagePayload(2L);
        }
    }

    @Nested
    class SendingInABatch {

        @Test
        void eachSendIsJudgedOnItsOwnInOrderAndOnlyTheAcceptedOnesArePosted() {
            givenPublicChannelWithAliceAndBob()
                    .when(new SendMessagesCommand(CHANNEL, List.of(
                            send("bob", "c-1", "hello"),
                            send("carol", "c-2", "not a member"),
                            send("bob", "c-1", "hello"),
                            send("bob", "c-1", "something else"),
                            send("alice", "c-3", "hi bob"))))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(postedNow(2, "bob", "c-1", "hello", null), postedNow(3, "alice", "c-3", "hi bob", null))
                    .expectResultMessagePayloadMatching(predicate((SendOutcomes answer) -> answer.equals(new SendOutcomes(List.of(
                            SendOutcomes.Outcome.sent(receipt(2, NOW, "c-1", false)),
                            SendOutcomes.Outcome.refused(answer.outcomes().get(1).refusal()),
                            SendOutcomes.Outcome.sent(receipt(2, NOW, "c-1", true)),
                            SendOutcomes.Outcome.refused(answer.outcomes().get(3).refusal()),
                            SendOutcomes.Outcome.sent(receipt(3, NOW, "c-3", false)))))
                            && answer.outcomes().get(1).refusal().kind() == FORBIDDEN
                            && answer.outcomes().get(3).refusal().kind() == CONFLICT));
        }

        @Test
        void aSendForAnotherChannelIsRefusedAndTheRestArePosted() {
            givenPublicChannelWithAliceAndBob()
                    .when(new SendMessagesCommand(CHANNEL, List.of(
                            new SendMessageCommand("another-channel", "bob", "c-1", "lost?", null),
                            send("bob", "c-2", "here"))))
                    .expectEvents(postedNow(2, "bob", "c-2", "here", null))
                    .expectResultMessagePayloadMatching(predicate((SendOutcomes answer) ->
                            answer.outcomes().get(0).refusal().kind() == INVALID
                                    && answer.outcomes().get(1).equals(SendOutcomes.Outcome.sent(receipt(2, NOW, "c-2", false)))));
        }
    }
}
