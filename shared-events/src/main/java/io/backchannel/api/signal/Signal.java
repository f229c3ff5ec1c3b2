package io.backchannel.api.signal;

import java.util.List;

/**
 * Something ephemeral, relayed to every gateway node and never stored: a user typing in a channel, a
 * gateway node's word that a user came or went ({@code online} while they hold a stream there), or a
 * node's heartbeat, which repeats in one signal every user online there, so that a node that dies stops
 * counting after a while.
 */
public record Signal(Kind kind, String userId, String channelId, String nodeId, boolean online, List<String> userIds) {

    public enum Kind { TYPING, PRESENCE, HEARTBEAT }

    public Signal {
        userIds = userIds == null ? List.of() : List.copyOf(userIds);
    }

    public static Signal typing(String userId, String channelId) {
        return new Signal(Kind.TYPING, userId, channelId, null, false, List.of());
    }

    public static Signal presence(String userId, String nodeId, boolean online) {
        return new Signal(Kind.PRESENCE, userId, null, nodeId, online, List.of());
    }

    public static Signal heartbeat(String nodeId, List<String> onlineUserIds) {
        return new Signal(Kind.HEARTBEAT, null, null, nodeId, true, onlineUserIds);
    }
}
