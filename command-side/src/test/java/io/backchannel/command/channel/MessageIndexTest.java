package io.backchannel.command.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessageIndexTest {

    @Test
    void remembersAuthorsDeletesRepliesAndReactionsAcrossAJacksonRoundTrip() throws Exception {
        MessageIndex index = new MessageIndex();
        index.posted(2, "alice", false);
        index.posted(5, "bob", true);
        index.posted(70, "alice", false);
        index.deleted(70);
        index.reacted(2, "bob", "tada", true);
        ObjectMapper mapper = new ObjectMapper();

        MessageIndex copy = mapper.readValue(mapper.writeValueAsString(index), MessageIndex.class);

        for (MessageIndex each : new MessageIndex[]{index, copy}) {
            assertThat(each.isMessage(2)).isTrue();
            assertThat(each.isMessage(3)).isFalse();
            assertThat(each.isMessage(71)).isFalse();
            assertThat(each.isMessage(-1)).isFalse();
            assertThat(each.author(5)).isEqualTo("bob");
            assertThat(each.author(70)).isEqualTo("alice");
            assertThat(each.isReply(5)).isTrue();
            assertThat(each.isReply(2)).isFalse();
            assertThat(each.isDeleted(70)).isTrue();
            assertThat(each.isDeleted(2)).isFalse();
            assertThat(each.hasReaction(2, "bob", "tada")).isTrue();
            assertThat(each.hasReaction(2, "alice", "tada")).isFalse();
        }
        copy.posted(71, "carol", false);
        assertThat(copy.author(71)).isEqualTo("carol");
        assertThat(copy.author(2)).isEqualTo("alice");
    }
}
