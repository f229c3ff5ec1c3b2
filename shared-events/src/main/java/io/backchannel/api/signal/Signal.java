package io.backchannel.api.signal;

/**
 * Something ephemeral a user does, relayed to every gateway node and never stored: typing in a
 * channel, or a gateway node's view of a user's presence ({@code online} while they hold a stream
 * there; repeated as a heartbeat, so a node that dies stops counting after a while).
 */
public record Signal(Kind kind, String userId, String channelId, String nodeId, boolean online) {

    public enum Kind { TYPING, PRESENCE }

    public static Signal typing(String userId, String channelId) {
        return new Signal(Kind.TYPING, userId, channelId, null, false);
    }

    public static Signal presence(String userId, String nodeId, boolean online) {
        return new Signal(Kind.PRESENCE, userId, null, nodeId, online);
    }
}
