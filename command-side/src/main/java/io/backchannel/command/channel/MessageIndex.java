package io.backchannel.command.channel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the channel must know of its messages to rule on edits, deletes, reactions and threads: who
 * wrote each one (4 bytes per seq, authors interned), which are deleted and which are replies (a bit
 * per seq), and who reacted with what. A million events cost about 4.3 MB.
 */
final class MessageIndex {

    private static final int NOT_A_MESSAGE = -1;

    private final List<String> authors;
    private final Map<String, Integer> authorIndex = new HashMap<>();
    private int[] authorBySeq;
    private final BitSet deleted;
    private final BitSet replies;
    private final Set<String> reactions;

    MessageIndex() {
        this(new ArrayList<>(), new int[0], new long[0], new long[0], new HashSet<>());
    }

    @JsonCreator
    MessageIndex(@JsonProperty("authors") List<String> authors, @JsonProperty("authorBySeq") int[] authorBySeq,
                 @JsonProperty("deleted") long[] deleted, @JsonProperty("replies") long[] replies,
                 @JsonProperty("reactions") Set<String> reactions) {
        this.authors = new ArrayList<>(authors);
        for (int i = 0; i < this.authors.size(); i++) {
            authorIndex.put(this.authors.get(i), i);
        }
        this.authorBySeq = authorBySeq;
        this.deleted = BitSet.valueOf(deleted);
        this.replies = BitSet.valueOf(replies);
        this.reactions = new HashSet<>(reactions);
    }

    @JsonProperty("authors")
    List<String> authors() {
        return authors;
    }

    @JsonProperty("authorBySeq")
    int[] authorBySeq() {
        return authorBySeq;
    }

    @JsonProperty("deleted")
    long[] deletedWords() {
        return deleted.toLongArray();
    }

    @JsonProperty("replies")
    long[] replyWords() {
        return replies.toLongArray();
    }

    @JsonProperty("reactions")
    Set<String> reactions() {
        return reactions;
    }

    void posted(long seq, String author, boolean reply) {
        int at = Math.toIntExact(seq);
        if (at >= authorBySeq.length) {
            int grown = Math.max(at + 1, authorBySeq.length * 2);
            int from = authorBySeq.length;
            authorBySeq = Arrays.copyOf(authorBySeq, grown);
            Arrays.fill(authorBySeq, from, grown, NOT_A_MESSAGE);
        }
        authorBySeq[at] = authorIndex.computeIfAbsent(author, name -> {
            authors.add(name);
            return authors.size() - 1;
        });
        if (reply) {
            replies.set(at);
        }
    }

    boolean isMessage(long seq) {
        return seq >= 0 && seq < authorBySeq.length && authorBySeq[(int) seq] != NOT_A_MESSAGE;
    }

    /** The author of the message at {@code seq}; only for seqs that are messages. */
    String author(long seq) {
        return authors.get(authorBySeq[(int) seq]);
    }

    boolean isDeleted(long seq) {
        return deleted.get(Math.toIntExact(seq));
    }

    boolean isReply(long seq) {
        return replies.get(Math.toIntExact(seq));
    }

    void deleted(long seq) {
        deleted.set(Math.toIntExact(seq));
    }

    boolean hasReaction(long seq, String userId, String emoji) {
        return reactions.contains(reactionKey(seq, userId, emoji));
    }

    void reacted(long seq, String userId, String emoji, boolean added) {
        if (added) {
            reactions.add(reactionKey(seq, userId, emoji));
        } else {
            reactions.remove(reactionKey(seq, userId, emoji));
        }
    }

    private static String reactionKey(long seq, String userId, String emoji) {
        return seq + "\u0000" + userId + "\u0000" + emoji;
    }
}
