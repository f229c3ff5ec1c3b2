package io.backchannel.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks one channel's stored log against the acks its senders were given: every acked message is
 * stored exactly once at its acked seq, and the log is gapless from seq 0.
 */
final class LogVerifier {

    record Result(long events, long lastSeq, long gaps, long duplicateSeqs, long acked, long lost, long misplaced,
                  long duplicated, long storedNotAcked) {

        Result plus(Result o) {
            return new Result(events + o.events, Math.max(lastSeq, o.lastSeq), gaps + o.gaps, duplicateSeqs + o.duplicateSeqs,
                    acked + o.acked, lost + o.lost, misplaced + o.misplaced, duplicated + o.duplicated,
                    storedNotAcked + o.storedNotAcked);
        }

        static Result empty() {
            return new Result(0, -1, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    private LogVerifier() {
    }

    /**
     * @param log     the channel's events in the order the events endpoint gave them
     * @param acks    the acks for this channel
     * @param runTag  clientMsgIds of this run start with it (to find stored-but-never-acked sends)
     */
    static Result verify(List<JsonNode> log, List<Sends.Ack> acks, String runTag) {
        long gaps = 0;
        long duplicateSeqs = 0;
        long expected = 0;
        long lastSeq = -1;
        Map<Long, JsonNode> bySeq = new HashMap<>();
        Map<String, Integer> stored = new HashMap<>(); // userId/clientMsgId -> occurrences
        Map<String, Long> storedAt = new HashMap<>();
        for (JsonNode event : log) {
            long seq = event.path("seq").asLong(-1);
            if (bySeq.putIfAbsent(seq, event) != null) {
                duplicateSeqs++;
                continue;
            }
            if (seq > expected) {
                gaps += seq - expected;
            }
            expected = Math.max(expected, seq + 1);
            lastSeq = Math.max(lastSeq, seq);
            if ("message.posted".equals(event.path("type").asText())) {
                String key = event.path("userId").asText() + "/" + event.path("clientMsgId").asText();
                stored.merge(key, 1, Integer::sum);
                storedAt.putIfAbsent(key, seq);
            }
        }
        long lost = 0;
        long misplaced = 0;
        long duplicated = 0;
        Map<String, Boolean> ackedKeys = new HashMap<>();
        for (Sends.Ack ack : acks) {
            String key = ack.userId() + "/" + ack.clientMsgId();
            if (ackedKeys.put(key, Boolean.TRUE) != null) {
                continue; // the same send acked twice (a replayed retry): checked once
            }
            Integer count = stored.get(key);
            if (count == null) {
                lost++;
                continue;
            }
            if (count > 1) {
                duplicated += count - 1;
            }
            JsonNode at = bySeq.get(ack.seq());
            if (at == null || !key.equals(at.path("userId").asText() + "/" + at.path("clientMsgId").asText())) {
                misplaced++;
            }
        }
        long storedNotAcked = 0;
        for (String key : stored.keySet()) {
            String clientMsgId = key.substring(key.indexOf('/') + 1);
            if (clientMsgId.startsWith(runTag) && !ackedKeys.containsKey(key)) {
                storedNotAcked++;
            }
        }
        return new Result(log.size(), lastSeq, gaps, duplicateSeqs, ackedKeys.size(), lost, misplaced, duplicated, storedNotAcked);
    }
}
