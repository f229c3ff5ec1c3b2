package io.backchannel.gateway.ws;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the server writes on a WebSocket, as API.md names the frames (plus {@code subscribed} and
 * {@code joined}, extensions).
 * The {@code event} frame is not here: it is encoded once for all its listeners (see {@code EventFrames}).
 */
final class Frames {

    private Frames() {
    }

    record Hello(String type, String userId) {
        Hello(String userId) {
            this("hello", userId);
        }
    }

    record Subscribed(String type, String channelId, long afterSeq) {
        Subscribed(String channelId, long afterSeq) {
            this("subscribed", channelId, afterSeq);
        }
    }

    /** The connection's user became a member of a channel, at {@code seq}: one it does not follow yet. */
    record Joined(String type, String teamId, String channelId, long seq) {
        Joined(String teamId, String channelId, long seq) {
            this("joined", teamId, channelId, seq);
        }
    }

    record Resync(String type, String channelId, long afterSeq) {
        Resync(String channelId, long afterSeq) {
            this("resync", channelId, afterSeq);
        }
    }

    record Typing(String type, String channelId, String userId) {
        Typing(String channelId, String userId) {
            this("typing", channelId, userId);
        }
    }

    record Presence(String type, String teamId, String userId, String presence) {
        Presence(String teamId, String userId, String presence) {
            this("presence", teamId, userId, presence);
        }
    }

    record Pong(String type, Object id) {
        Pong(Object id) {
            this("pong", id);
        }
    }

    record Ack(String type, String clientMsgId, String channelId, long seq, String messageId) {
        Ack(String clientMsgId, String channelId, long seq, String messageId) {
            this("ack", clientMsgId, channelId, seq, messageId);
        }
    }

    /** {@code clientMsgId} (an extension) names the send an error answers, as an ack does. */
    record Error(String type, String code, String message,
                 @JsonInclude(JsonInclude.Include.NON_NULL) String clientMsgId) {
        Error(String code, String message) {
            this("error", code, message, null);
        }

        Error answering(String clientMsgId) {
            return new Error(type, code, message, clientMsgId);
        }
    }
}
