package io.backchannel.command.channel;

import io.backchannel.api.message.AddReactionCommand;
import io.backchannel.api.message.DeleteMessageCommand;
import io.backchannel.api.message.EditMessageCommand;
import io.backchannel.api.message.MessageDeletedEvent;
import io.backchannel.api.message.MessageEditedEvent;
import io.backchannel.api.message.ReactionAddedEvent;
import io.backchannel.api.message.ReactionRemovedEvent;
import io.backchannel.api.message.RemoveReactionCommand;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.backchannel.api.Rejection.Kind.CONFLICT;
import static io.backchannel.api.Rejection.Kind.FORBIDDEN;
import static io.backchannel.api.Rejection.Kind.INVALID;
import static io.backchannel.api.Rejection.Kind.NOT_FOUND;
import static io.backchannel.command.Refusals.rejected;
import static io.backchannel.command.channel.ChannelFixtures.CHANNEL;
import static io.backchannel.command.channel.ChannelFixtures.NOW;
import static io.backchannel.command.channel.ChannelFixtures.created;
import static io.backchannel.command.channel.ChannelFixtures.joined;
import static io.backchannel.command.channel.ChannelFixtures.left;
import static io.backchannel.command.channel.ChannelFixtures.posted;
import static io.backchannel.command.channel.ChannelFixtures.send;

/** Threads, edits, deletes and reactions: every rule, with the channel's seq moving on by one each time. */
class ChannelMessageLifecycleTest {

    private AggregateTestFixture<Channel> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Channel.class);
        fixture.givenCurrentTime(NOW);
    }

    /** created(0), bob joined(1), alice posted at 2, bob posted at 3. */
    private TestExecutor<Channel> givenTwoMessages() {
        return fixture.given(created(false), joined(1, "bob"), posted(2, "alice", "a-1", "hello"),
                posted(3, "bob", "b-1", "hi"));
    }

    @Nested
    class Edits {

        @Test
        void theAuthorEditsWithTheNextSeqAndGetsTheEventBack() {
            MessageEditedEvent edited = new MessageEditedEvent(CHANNEL, 4, NOW, 2, "alice", "hello, world");
            givenTwoMessages()
                    .when(new EditMessageCommand(CHANNEL, "alice", 2, "hello, world"))
                    .expectEvents(edited)
                    .expectResultMessagePayload(edited);
        }

        @Test
        void someoneElsesMessageIsForbidden() {
            givenTwoMessages().when(new EditMessageCommand(CHANNEL, "bob", 2, "mine now"))
                    .expectException(rejected(FORBIDDEN)).expectNoEvents();
        }

        @Test
        void aDeletedMessageCannotBeEdited() {
            givenTwoMessages().andGiven(new MessageDeletedEvent(CHANNEL, 4, NOW, 2, "alice"))
                    .when(new EditMessageCommand(CHANNEL, "alice", 2, "back from the dead"))
                    .expectException(rejected(CONFLICT)).expectNoEvents();
        }

        @Test
        void aSeqThatIsNoMessageIsNotFound() {
            givenTwoMessages().when(new EditMessageCommand(CHANNEL, "alice", 1, "a join is no message"))
                    .expectException(rejected(NOT_FOUND)).expectNoEvents();
            givenTwoMessages().when(new EditMessageCommand(CHANNEL, "alice", 99, "the future"))
                    .expectException(rejected(NOT_FOUND)).expectNoEvents();
        }

        @Test
        void blankTextIsInvalid() {
            givenTwoMessages().when(new EditMessageCommand(CHANNEL, "alice", 2, "  "))
                    .expectException(rejected(INVALID)).expectNoEvents();
        }

        @Test
        void anAuthorWhoLeftMayNoLongerEdit() {
            givenTwoMessages().andGiven(left(4, "bob"))
                    .when(new EditMessageCommand(CHANNEL, "bob", 3, "after leaving"))
                    .expectException(rejected(FORBIDDEN)).expectNoEvents();
        }
    }

    @Nested
    class Deletes {

        @Test
        void theAuthorDeletesOnceAndDeletingAgainChangesNothing() {
            givenTwoMessages().when(new DeleteMessageCommand(CHANNEL, "bob", 3))
                    .expectEvents(new MessageDeletedEvent(CHANNEL, 4, NOW, 3, "bob"));
            givenTwoMessages().andGiven(new MessageDeletedEvent(CHANNEL, 4, NOW, 3, "bob"))
                    .when(new DeleteMessageCommand(CHANNEL, "bob", 3))
                    .expectSuccessfulHandlerExecution().expectNoEvents();
        }

        @Test
        void someoneElsesMessageIsForbidden() {
            givenTwoMessages().when(new DeleteMessageCommand(CHANNEL, "alice", 3))
                    .expectException(rejected(FORBIDDEN)).expectNoEvents();
        }

        @Test
        void anUnknownMessageIsNotFound() {
            givenTwoMessages().when(new DeleteMessageCommand(CHANNEL, "alice", 0))
                    .expectException(rejected(NOT_FOUND)).expectNoEvents();
        }
    }

    @Nested
    class Reactions {

        @Test
        void aMemberReactsOncePerEmoji() {
            givenTwoMessages().when(new AddReactionCommand(CHANNEL, "bob", 2, "tada"))
                    .expectEvents(new ReactionAddedEvent(CHANNEL, 4, NOW, 2, "bob", "tada"));
            givenTwoMessages().andGiven(new ReactionAddedEvent(CHANNEL, 4, NOW, 2, "bob", "tada"))
                    .when(new AddReactionCommand(CHANNEL, "bob", 2, "tada"))
                    .expectSuccessfulHandlerExecution().expectNoEvents();
            givenTwoMessages().andGiven(new ReactionAddedEvent(CHANNEL, 4, NOW, 2, "bob", "tada"))
                    .when(new AddReactionCommand(CHANNEL, "alice", 2, "tada"))
                    .expectEvents(new ReactionAddedEvent(CHANNEL, 5, NOW, 2, "alice", "tada"));
        }

        @Test
        void removingIsIdempotentToo() {
            givenTwoMessages().andGiven(new ReactionAddedEvent(CHANNEL, 4, NOW, 2, "bob", "tada"))
                    .when(new RemoveReactionCommand(CHANNEL, "bob", 2, "tada"))
                    .expectEvents(new ReactionRemovedEvent(CHANNEL, 5, NOW, 2, "bob", "tada"));
            givenTwoMessages().when(new RemoveReactionCommand(CHANNEL, "bob", 2, "tada"))
                    .expectSuccessfulHandlerExecution().expectNoEvents();
            givenTwoMessages().andGiven(new ReactionAddedEvent(CHANNEL, 4, NOW, 2, "bob", "tada"),
                            new ReactionRemovedEvent(CHANNEL, 5, NOW, 2, "bob", "tada"))
                    .when(new AddReactionCommand(CHANNEL, "bob", 2, "tada"))
                    .expectEvents(new ReactionAddedEvent(CHANNEL, 6, NOW, 2, "bob", "tada"));
        }

        @Test
        void reactingNeedsMembershipAValidEmojiAndALiveMessage() {
            givenTwoMessages().when(new AddReactionCommand(CHANNEL, "carol", 2, "tada"))
                    .expectException(rejected(FORBIDDEN)).expectNoEvents();
            givenTwoMessages().when(new AddReactionCommand(CHANNEL, "bob", 2, "Tada!"))
                    .expectException(rejected(INVALID)).expectNoEvents();
            givenTwoMessages().when(new AddReactionCommand(CHANNEL, "bob", 1, "tada"))
                    .expectException(rejected(NOT_FOUND)).expectNoEvents();
            givenTwoMessages().andGiven(new MessageDeletedEvent(CHANNEL, 4, NOW, 2, "alice"))
                    .when(new AddReactionCommand(CHANNEL, "bob", 2, "tada"))
                    .expectException(rejected(CONFLICT)).expectNoEvents();
        }

        @Test
        void aPrivateChannelsOutsiderLearnsNothing() {
            fixture.given(created(true), joined(1, "bob"), posted(2, "alice", "a-1", "hello"))
                    .when(new AddReactionCommand(CHANNEL, "carol", 2, "eyes"))
                    .expectException(rejected(NOT_FOUND)).expectNoEvents();
        }
    }

    @Nested
    class Threads {

        @Test
        void aReplyToALiveTopLevelMessageIsPosted() {
            givenTwoMessages().when(send("bob", "r-1", "a reply", 2L))
                    .expectEvents(posted(4, "bob", "r-1", "a reply", 2L, NOW));
        }

        @Test
        void aReplyToAnUnknownParentIsInvalid() {
            givenTwoMessages().when(send("bob", "r-1", "a reply", 9L))
                    .expectException(rejected(INVALID)).expectNoEvents();
        }

        @Test
        void aReplyToADeletedParentIsAConflict() {
            givenTwoMessages().andGiven(new MessageDeletedEvent(CHANNEL, 4, NOW, 2, "alice"))
                    .when(send("bob", "r-1", "a reply", 2L))
                    .expectException(rejected(CONFLICT)).expectNoEvents();
        }

        @Test
        void threadsAreOneLevelDeep() {
            givenTwoMessages().andGiven(posted(4, "bob", "r-1", "a reply", 2L, NOW))
                    .when(send("alice", "r-2", "a reply to a reply", 4L))
                    .expectException(rejected(INVALID)).expectNoEvents();
        }
    }
}
