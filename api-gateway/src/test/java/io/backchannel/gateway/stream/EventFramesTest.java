package io.backchannel.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** The WebSocket frames the gateway writes as ready bytes, read back by a client's frame decoder (Netty's). */
class EventFramesTest {

    private final ObjectMapper json = JsonMapper.builder().findAndAddModules().build();
    private final EventFrames frames = new EventFrames(json);

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 200_000})
    void aTextOfAnyLengthIsOneWholeTextFrame(int length) {
        String text = "é".repeat(length / 2) + "x".repeat(length % 2);
        assertThat(decoded(EventFrames.webSocket(text.getBytes(UTF_8)))).containsExactly(text);
    }

    @Test
    void aRunIsOneEventFrameForEachEventInOrderTheSameAsEachEventsOwn() throws Exception {
        List<ChannelEvent> run = IntStream.rangeClosed(1, 3)
                .<ChannelEvent>mapToObj(seq -> new MessagePostedEvent("c1", seq, Instant.EPOCH, "m" + seq, "k" + seq, "u1",
                        "x".repeat(seq * 100), null))
                .toList();

        List<String> texts = decoded(frames.webSocket(run));

        assertThat(texts).hasSize(run.size());
        for (int i = 0; i < run.size(); i++) {
            JsonNode frame = json.readTree(texts.get(i));
            assertThat(frame.path("type").asText()).isEqualTo("event");
            assertThat(frame.path("event")).isEqualTo(json.readTree(json.writeValueAsString(run.get(i))));
            assertThat(decoded(frames.webSocket(List.of(run.get(i))))).containsExactly(texts.get(i));
        }
    }

    /** The text frames a client reads from {@code bytes}; anything else there (a bad length, a fragment) fails. */
    private static List<String> decoded(byte[] bytes) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, Integer.MAX_VALUE));
        client.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<String> texts = new ArrayList<>();
        for (Object frame = client.readInbound(); frame != null; frame = client.readInbound()) {
            assertThat(frame).isInstanceOf(TextWebSocketFrame.class);
            TextWebSocketFrame text = (TextWebSocketFrame) frame;
            assertThat(text.isFinalFragment()).isTrue();
            texts.add(text.text());
            text.release();
        }
        assertThat(client.isOpen()).as("the decoder found no protocol violation").isTrue();
        client.finishAndReleaseAll();
        return texts;
    }
}
