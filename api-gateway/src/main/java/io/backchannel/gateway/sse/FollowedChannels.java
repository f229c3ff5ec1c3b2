package io.backchannel.gateway.sse;

import io.backchannel.gateway.boot.BootCache.Membership;

import java.util.HashMap;
import java.util.Map;

/**
 * The channels one team stream follows. A channel is followed once, however many times its membership
 * is announced. A user who leaves and joins again may have the join announced before the stream has
 * delivered the leave, which ends the channel's follow: that join is kept, and the channel starts again
 * from it once the follow has ended.
 */
final class FollowedChannels {

    /** Each followed channel, with the join that came while its follow was ending, or null. */
    private final Map<String, Membership> followed = new HashMap<>();

    /** Whether to start following the channel now. */
    synchronized boolean start(Membership membership) {
        String channelId = membership.channelId();
        if (!followed.containsKey(channelId)) {
            followed.put(channelId, null);
            return true;
        }
        if (membership.joined()) {
            followed.merge(channelId, membership, (kept, later) -> later.seq() > kept.seq() ? later : kept);
        }
        return false;
    }

    /**
     * The channel's follow ended after delivering {@code lastSeq}, the caller's leave: the join to start
     * it again from, if one came after that leave, or null, and the channel is no longer followed.
     */
    synchronized Membership ended(String channelId, long lastSeq) {
        Membership rejoined = followed.remove(channelId);
        if (rejoined == null || rejoined.seq() <= lastSeq) {
            return null;
        }
        followed.put(channelId, null);
        return rejoined;
    }
}
