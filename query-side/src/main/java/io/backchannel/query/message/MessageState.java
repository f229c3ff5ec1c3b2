package io.backchannel.query.message;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.message.MessageDeletedEvent;
import io.backchannel.api.message.MessageEditedEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.api.message.MessageView;
import io.backchannel.api.message.ReactionAddedEvent;
import io.backchannel.api.message.ReactionRemovedEvent;
import org.bson.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One message and what later events did to it. The one place that says how an edit, a delete, a
 * reaction or a reply changes a message: the projection applies it to stored documents, and the
 * as-of view to a fold of the log.
 */
final class MessageState {

    private final MessagePostedEvent posted;
    private String text;
    private Instant editedAt;
    private boolean deleted;
    private final Map<String, Set<String>> reactions = new LinkedHashMap<>();
    private final List<Long> replies = new ArrayList<>();
    /** The seq of the last event applied, so a redelivered one is recognised and ignored. */
    private long changedSeq;

    MessageState(MessagePostedEvent posted) {
        this.posted = posted;
        this.text = posted.text();
        this.changedSeq = posted.seq();
    }

    long seq() {
        return posted.seq();
    }

    Long threadSeq() {
        return posted.threadSeq();
    }

    long changedSeq() {
        return changedSeq;
    }

    /** Applies an edit, delete or reaction to this message; one already applied changes nothing. */
    boolean apply(ChannelEvent event) {
        if (event.seq() <= changedSeq) {
            return false;
        }
        if (event instanceof MessageEditedEvent edited) {
            text = edited.text();
            editedAt = edited.ts();
        } else if (event instanceof MessageDeletedEvent) {
            text = "";
            deleted = true;
        } else if (event instanceof ReactionAddedEvent added) {
            reactions.computeIfAbsent(added.emoji(), emoji -> new LinkedHashSet<>()).add(added.userId());
        } else if (event instanceof ReactionRemovedEvent removed) {
            Set<String> users = reactions.get(removed.emoji());
            if (users != null && users.remove(removed.userId()) && users.isEmpty()) {
                reactions.remove(removed.emoji());
            }
        }
        changedSeq = event.seq();
        return true;
    }

    /** Counts a reply once, however often it is delivered. */
    boolean replied(long replySeq) {
        if (replies.contains(replySeq)) {
            return false;
        }
        replies.add(replySeq);
        return true;
    }

    String text() {
        return text;
    }

    boolean deleted() {
        return deleted;
    }

    MessageView view() {
        return new MessageView(posted.messageId(), posted.channelId(), posted.seq(), posted.ts(), posted.userId(), text,
                posted.clientMsgId(), posted.threadSeq(), replies.size(), editedAt, deleted,
                reactions.entrySet().stream()
                        .map(reaction -> new MessageView.Reaction(reaction.getKey(), reaction.getValue().size(),
                                List.copyOf(reaction.getValue())))
                        .toList());
    }

    Document toDocument(String id) {
        List<Document> reactionDocuments = reactions.entrySet().stream()
                .map(reaction -> new Document("emoji", reaction.getKey()).append("userIds", List.copyOf(reaction.getValue())))
                .toList();
        return new Document("_id", id)
                .append("messageId", posted.messageId())
                .append("channelId", posted.channelId())
                .append("seq", posted.seq())
                .append("ts", posted.ts().toString())
                .append("userId", posted.userId())
                .append("postedText", posted.text())
                .append("text", text)
                .append("clientMsgId", posted.clientMsgId())
                .append("threadSeq", posted.threadSeq())
                .append("editedAt", editedAt == null ? null : editedAt.toString())
                .append("deleted", deleted)
                .append("reactions", reactionDocuments)
                .append("replies", replies)
                .append("changedSeq", changedSeq);
    }

    static MessageState of(Document document) {
        Long threadSeq = document.get("threadSeq") == null ? null : document.get("threadSeq", Number.class).longValue();
        MessageState state = new MessageState(new MessagePostedEvent(document.getString("channelId"),
                document.get("seq", Number.class).longValue(), Instant.parse(document.getString("ts")),
                document.getString("messageId"), document.getString("clientMsgId"), document.getString("userId"),
                document.getString("postedText"), threadSeq));
        state.text = document.getString("text");
        String editedAt = document.getString("editedAt");
        state.editedAt = editedAt == null ? null : Instant.parse(editedAt);
        state.deleted = document.getBoolean("deleted", false);
        for (Document reaction : document.getList("reactions", Document.class, List.of())) {
            state.reactions.put(reaction.getString("emoji"), new LinkedHashSet<>(reaction.getList("userIds", String.class)));
        }
        document.getList("replies", Number.class, List.of()).forEach(reply -> state.replies.add(reply.longValue()));
        state.changedSeq = document.get("changedSeq", Number.class).longValue();
        return state;
    }
}
