package io.backchannel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's own bookkeeping (not the server): seq tracking, log verification, SSE parsing. */
class BookkeepingTest {

    @Test
    void seqTrackerCountsLostDuplicateAndOutOfOrder() {
        SeqTracker t = new SeqTracker(10);
        assertTrue(t.onEvent(11));
        assertTrue(t.onEvent(13)); // 12 skipped for now
        assertTrue(t.onEvent(12)); // late: out of order, not lost
        assertFalse(t.onEvent(13)); // twice
        assertFalse(t.onEvent(9)); // at or below the base
        assertTrue(t.onEvent(15));
        assertEquals(1, t.outOfOrder());
        assertEquals(2, t.duplicates());
        assertEquals(1, t.lost(15)); // 14
        assertEquals(1, t.gaps(15));
        assertEquals(0, t.pending(15));
        assertEquals(3, t.lost(17)); // 14, then 16 and 17 not yet given
        assertEquals(1, t.gaps(17));
        assertEquals(2, t.pending(17));
        assertFalse(t.complete(15));
        assertTrue(t.complete(13));
        assertEquals(15, t.resumeFrom());
        assertEquals(2, t.jumps());
    }

    @Test
    void seqTrackerWithNothingExpected() {
        SeqTracker t = new SeqTracker(5);
        assertTrue(t.complete(5));
        assertEquals(0, t.lost(5));
        assertEquals(3, t.lost(8));
    }

    @Test
    void logVerifierFindsLostDuplicatedMisplacedAndGaps() {
        List<JsonNode> log = new ArrayList<>();
        log.add(event(0, "channel.created", null, null));
        log.add(event(1, "message.posted", "u1", "run-a"));
        log.add(event(2, "message.posted", "u1", "run-b"));
        log.add(event(4, "message.posted", "u2", "run-a")); // seq 3 missing: a gap
        log.add(event(5, "message.posted", "u1", "run-b")); // stored twice
        log.add(event(6, "message.posted", "u2", "run-z")); // never acked
        List<Sends.Ack> acks = List.of(
                ack(1, "u1", "run-a"),  // fine
                ack(2, "u1", "run-b"),  // fine, but duplicated at 5
                ack(3, "u2", "run-a"),  // stored at 4: misplaced
                ack(7, "u2", "run-c")); // lost
        LogVerifier.Result r = LogVerifier.verify(log, acks, "run-");
        assertEquals(1, r.gaps());
        assertEquals(1, r.lost());
        assertEquals(1, r.duplicated());
        assertEquals(1, r.misplaced());
        assertEquals(1, r.storedNotAcked());
        assertEquals(4, r.acked());
        assertEquals(6, r.lastSeq());
    }

    @Test
    void cleanLogVerifiesClean() {
        List<JsonNode> log = List.of(event(0, "channel.created", null, null), event(1, "member.joined", "u1", null),
                event(2, "message.posted", "u1", "run-1"));
        LogVerifier.Result r = LogVerifier.verify(log, List.of(ack(2, "u1", "run-1"), ack(2, "u1", "run-1")), "run-");
        assertEquals(0, r.gaps() + r.lost() + r.duplicated() + r.misplaced() + r.storedNotAcked() + r.duplicateSeqs());
        assertEquals(1, r.acked());
    }

    @Test
    void sseParserHandlesSplitChunksCommentsAndCrLf() {
        List<String> seen = new ArrayList<>();
        SseParser parser = new SseParser((id, event, data) -> seen.add(id + "|" + event + "|" + data.text()));
        String stream = ":connected\n\nid:1\nevent:message.posted\ndata:{\"seq\":1,\"clientMsgId\":\"abc\"}\n\n"
                + ": keepalive\r\n\r\nid: 2\r\nevent: member.joined\r\ndata: {\"seq\":2}\r\n\r\n"
                + "id:3\nevent:two.lines\ndata:é\ndata:\n\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 7) { // arbitrary chunking
            parser.feed(Unpooled.wrappedBuffer(bytes, i, Math.min(7, bytes.length - i)));
        }
        assertEquals(List.of("1|message.posted|{\"seq\":1,\"clientMsgId\":\"abc\"}", "2|member.joined|{\"seq\":2}",
                "3|two.lines|é\n"), seen);
        assertEquals(2, parser.comments());
    }

    @Test
    void fieldsAreFoundInTheServersJsonWithoutParsingIt() {
        assertEquals("abc", json("{\"seq\":1,\"clientMsgId\":\"abc\"}").string(RawJson.stringKey("clientMsgId")));
        assertEquals(12, json("{\"type\":\"message.posted\",\"seq\":12,\"messageSeq\":3}").number(RawJson.numberKey("seq")));
        assertEquals(3, json("{\"seq\":12,\"messageSeq\":3}").number(RawJson.numberKey("messageSeq")));
        assertEquals(-7, json("{\"afterSeq\":-7}").number(RawJson.numberKey("afterSeq")));
        assertEquals(-1, json("{\"seq\":null}").number(RawJson.numberKey("seq")));
        assertNull(json("{\"text\":\"say \\\"clientMsgId\\\":\\\"x\"}").string(RawJson.stringKey("clientMsgId")));
        byte[] beyond = "{\"seq\":1}\"clientMsgId\":\"abc\"".getBytes(StandardCharsets.UTF_8);
        assertNull(new RawJson(beyond, 0, 9).string(RawJson.stringKey("clientMsgId")), "nothing beyond its end is read");
        assertTrue(json("{\"type\":\"event\",\"event\":{\"seq\":5}}").startsWith("{\"type\":\"event\",".getBytes(StandardCharsets.UTF_8)));
        assertEquals(5, json("{\"type\":\"event\",\"event\":{\"seq\":5}}").skip(24).number(RawJson.numberKey("seq")));
    }

    /** JSON as a client holds it: bytes in the middle of a larger array. */
    private static RawJson json(String text) {
        byte[] bytes = ("[[" + text + "]]").getBytes(StandardCharsets.UTF_8);
        return new RawJson(bytes, 2, bytes.length - 2);
    }

    @Test
    void sendersAreSpreadOverEveryChannel() {
        List<String> channels = List.of("a", "b", "c", "d", "e");
        List<List<String>> few = SendScenario.assign(2, channels);
        assertEquals(List.of("a", "c", "e"), few.get(0));
        assertEquals(List.of("b", "d"), few.get(1));
        List<List<String>> many = SendScenario.assign(7, channels);
        assertEquals(List.of("c"), many.get(2));
        assertEquals(List.of("b"), many.get(6));
    }

    @Test
    void onlyLoopbackTargets() {
        assertEquals("http://127.0.0.1:8080", Client.requireLoopback("http://127.0.0.1:8080/"));
        assertEquals("http://localhost:1", Client.requireLoopback("http://localhost:1"));
        for (String bad : List.of("http://10.0.0.1:8080", "https://127.0.0.1:8080", "http://example.com")) {
            try {
                Client.requireLoopback(bad);
                throw new AssertionError("accepted " + bad);
            } catch (BenchException expected) {
                // refused
            }
        }
    }

    private static JsonNode event(long seq, String type, String userId, String clientMsgId) {
        var node = Client.JSON.createObjectNode().put("seq", seq).put("type", type);
        if (userId != null) {
            node.put("userId", userId);
        }
        if (clientMsgId != null) {
            node.put("clientMsgId", clientMsgId);
        }
        return node;
    }

    private static Sends.Ack ack(long seq, String userId, String clientMsgId) {
        return new Sends.Ack("c", seq, userId, clientMsgId, 201, 0, 0);
    }
}
