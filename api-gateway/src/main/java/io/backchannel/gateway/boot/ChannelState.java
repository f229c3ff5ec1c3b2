package io.backchannel.gateway.boot;

import io.backchannel.api.channel.ChannelCreatedEvent;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.channel.ChannelView;
import io.backchannel.api.channel.MemberJoinedChannelEvent;
import io.backchannel.api.channel.MemberLeftChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * A channel as the boot cache knows it: folded from its log, event by event, so it is exactly the
 * channel as of {@link #lastSeq}. Holds what unread counts need: the seqs of all posts, and of each
 * member's own.
 */
final class ChannelState {

    private final String channelId;
    private String name;
    private boolean isPrivate;
    private long lastSeq = -1;
    private final Map<String, Long> joinSeqs = new HashMap<>();
    private final SeqList posts = new SeqList();
    private final Map<String, SeqList> ownPosts = new HashMap<>();
    /** The shared head of this channel's boot entry, written on the first boot after a change. */
    private byte[] bootHead;

    ChannelState(String channelId) {
        this.channelId = channelId;
    }

    long lastSeq() {
        return lastSeq;
    }

    boolean isPrivate() {
        return isPrivate;
    }

    String name() {
        return name;
    }

    String channelId() {
        return channelId;
    }

    int memberCount() {
        return joinSeqs.size();
    }

    Long joinSeq(String userId) {
        return joinSeqs.get(userId);
    }

    /** Each member's seq of joining, by user. */
    Map<String, Long> joinSeqs() {
        return Collections.unmodifiableMap(joinSeqs);
    }

    /** The channel as {@code GET /api/channels/{id}} shows it, or null before its creation is applied. */
    ChannelView view(String teamId) {
        return name == null ? null : new ChannelView(channelId, teamId, name, isPrivate, memberCount(), lastSeq);
    }

    byte[] bootHead() {
        if (bootHead == null) {
            bootHead = BootJson.head(channelId, name, isPrivate, memberCount(), lastSeq);
        }
        return bootHead;
    }

    /** Applies the next event of the log; the caller hands them over in order, from seq 0. */
    void apply(ChannelEvent event) {
        bootHead = null;
        if (event instanceof ChannelCreatedEvent created) {
            name = created.name();
            isPrivate = created.isPrivate();
            joinSeqs.put(created.userId(), created.seq());
        } else if (event instanceof MemberJoinedChannelEvent joined) {
            joinSeqs.put(joined.userId(), joined.seq());
        } else if (event instanceof MemberLeftChannelEvent left) {
            joinSeqs.remove(left.userId());
        } else if (event instanceof MessagePostedEvent posted) {
            posts.add(posted.seq());
            ownPosts.computeIfAbsent(posted.userId(), user -> new SeqList()).add(posted.seq());
        }
        lastSeq = event.seq();
    }

    /** Posts by others after {@code seq}. */
    long unreadAfter(long seq, String userId) {
        SeqList own = ownPosts.get(userId);
        return posts.countAfter(seq) - (own == null ? 0 : own.countAfter(seq));
    }
}
