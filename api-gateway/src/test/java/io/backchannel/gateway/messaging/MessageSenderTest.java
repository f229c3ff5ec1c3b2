package io.backchannel.gateway.messaging;

import io.backchannel.api.message.SendMessageCommand;
import io.backchannel.api.message.SendReceipt;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.metrics.GatewayMetrics;
import io.backchannel.gateway.security.Caller;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** A command that never answers fails its send after the timeout and does not hold its channel's later sends. */
class MessageSenderTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final AxonClient axon = mock(AxonClient.class);
    private final MessageSender sender = new MessageSender(axon, mock(GatewayMetrics.class), new SendProperties(TIMEOUT));
    private final Caller alice = new Caller("alice", "alice", "Alice");

    @Test
    void aSendWhoseCommandNeverAnswersFailsAfterTheTimeoutAndTheChannelTakesTheNextSend() {
        when(axon.send(argThat(command -> command instanceof SendMessageCommand send && send.text().equals("stuck"))))
                .thenReturn(Mono.never());
        when(axon.send(argThat(command -> command instanceof SendMessageCommand send && send.text().equals("fine"))))
                .thenAnswer(invocation -> Mono.just(receipt(invocation.getArgument(0))));

        StepVerifier.create(sender.send(alice, "c1", "m1", "stuck", null))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(SendUnconfirmedException.class)
                        .hasMessageStartingWith("the message was not confirmed within 300 ms"))
                .verify(TIMEOUT.multipliedBy(10));
        StepVerifier.create(sender.send(alice, "c1", "m2", "fine", null))
                .expectNextMatches(receipt -> receipt.clientMsgId().equals("m2"))
                .expectComplete()
                .verify(TIMEOUT.multipliedBy(10));
    }

    @Test
    void sendsQueuedBehindAStuckCommandAreSentOnceItTimesOut() {
        when(axon.send(any())).thenAnswer(invocation -> invocation.<Object>getArgument(0) instanceof SendMessageCommand send
                && send.text().equals("stuck") ? Mono.never() : Mono.just(receipt(invocation.getArgument(0))));

        Mono<SendReceipt> stuck = sender.send(alice, "c1", "m1", "stuck", null).cache();
        stuck.subscribe(receipt -> { }, error -> { });
        StepVerifier.create(sender.send(alice, "c1", "m2", "fine", null))
                .expectNextMatches(receipt -> receipt.clientMsgId().equals("m2"))
                .expectComplete()
                .verify(TIMEOUT.multipliedBy(10));
        StepVerifier.create(stuck).expectError(SendUnconfirmedException.class).verify(TIMEOUT);
    }

    private static SendReceipt receipt(SendMessageCommand send) {
        return new SendReceipt("id-" + send.clientMsgId(), send.channelId(), 1, Instant.EPOCH, send.clientMsgId(), false);
    }
}
