package io.backchannel.gateway.ws;

import com.fasterxml.jackson.annotation.JsonRawValue;

/** What the server writes on a WebSocket, as API.md names the frames (plus {@code subscribed}, an extension). */
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

    /** {@code event} is the event's JSON, written once for all its listeners (see {@code EventJson}). */
    record Event(String type, @JsonRawValue String event) {
        Event(String event) {
            this("event", event);
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

    record Error(String type, String code, String message) {
        Error(String code, String message) {
            this("error", code, message);
        }
    }
}
