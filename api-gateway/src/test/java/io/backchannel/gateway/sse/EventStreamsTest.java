package io.backchannel.gateway.sse;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.gateway.metrics.GatewayMetrics;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.stream.EventFrames;
import io.backchannel.gateway.stream.Presence;
import io.backchannel.gateway.stream.StreamProperties;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** What an SSE response writes, in the buffers the server writes from. */
class EventStreamsTest {

    private final EventFrames frames = mock(EventFrames.class);
    private final EventStreams responses = new EventStreams(new StreamProperties(1024, 8192, Duration.ofMinutes(1),
            Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(5), 200, 200),
            mock(GatewayMetrics.class), mock(Presence.class), frames);
    /** The server's own kind of buffer, which Reactor Netty writes as it is. */
    private final NettyDataBufferFactory netty = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);

    @Test
    void everyListenerIsWrittenTheRunsSharedBytesNotACopy() {
        List<ChannelEvent> run = List.of(new MessagePostedEvent("c1", 1, Instant.EPOCH, "m1", "k1", "u1", "hi", null));
        byte[] page = "id:1\nevent:message.posted\ndata:{\"seq\":1}\n\n".getBytes(UTF_8);
        when(frames.sse(run)).thenReturn(page);

        for (String listener : List.of("ann", "bob")) {
            List<DataBuffer> written = responses.respond(new Caller(listener, listener, listener), netty, Flux.just(run))
                    .collectList()
                    .block(Duration.ofSeconds(10));

            assertThat(written).hasSize(2);
            assertThat(written.get(0).toString(UTF_8)).isEqualTo(":connected\n\n");
            ByteBuf body = NettyDataBufferFactory.toByteBuf(written.get(1));
            assertThat(body.toString(UTF_8)).isEqualTo(new String(page, UTF_8));
            assertThat(body.hasArray() && body.array() == page)
                    .as("the run's own bytes, not a copy of them").isTrue();
        }
    }
}
