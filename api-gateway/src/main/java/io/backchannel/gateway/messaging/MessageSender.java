package io.backchannel.gateway.messaging;

import io.backchannel.api.Limits;
import io.backchannel.api.message.SendMessageCommand;
import io.backchannel.api.message.SendReceipt;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.metrics.GatewayMetrics;
import io.backchannel.gateway.security.Caller;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Sending a message, the same whether it came as an HTTP POST or a WebSocket frame. */
@Component
public class MessageSender {

    private final AxonClient axon;
    private final GatewayMetrics metrics;

    MessageSender(AxonClient axon, GatewayMetrics metrics) {
        this.axon = axon;
        this.metrics = metrics;
    }

    /** Answers once the message is durably stored, or with the original answer to a retry. */
    public Mono<SendReceipt> send(Caller caller, String channelId, String clientMsgId, String text, Long threadSeq) {
        return Mono.defer(() -> {
            Limits.requireClientMsgId(clientMsgId);
            Limits.requireText(text);
            Limits.requireSeq(threadSeq, "threadSeq");
            return axon.<SendReceipt>send(new SendMessageCommand(channelId, caller.userId(), clientMsgId, text,
                            threadSeq))
                    .doOnNext(receipt -> metrics.sent(receipt.replayed()));
        });
    }
}
