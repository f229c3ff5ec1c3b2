package io.backchannel.gateway.messaging;

import io.backchannel.api.Limits;
import io.backchannel.api.message.SendMessageCommand;
import io.backchannel.api.message.SendMessagesCommand;
import io.backchannel.api.message.SendOutcomes;
import io.backchannel.api.message.SendReceipt;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.metrics.GatewayMetrics;
import io.backchannel.gateway.security.Caller;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sending a message, the same whether it came as an HTTP POST or a WebSocket frame.
 *
 * <p>A channel takes its sends one at a time (its aggregate is the order arbiter), each with its own
 * append to the event store; on a busy channel that append is what limits throughput. So this node sends
 * at most one command per channel at a time, and the sends that arrive meanwhile go together in the next
 * one, a {@link SendMessagesCommand}: one append for all of them (group commit). A send alone goes as it
 * always did. Each send is still judged, deduplicated and answered on its own.
 *
 * <p>A command that is not confirmed within {@link SendProperties#timeout} fails its sends with
 * {@link SendUnconfirmedException} and frees its channel for the next one: one stuck command must not hold a
 * channel's later sends, nor its clients, forever.
 */
@Component
@EnableConfigurationProperties(SendProperties.class)
public class MessageSender {

    /** Sends in one command at most: bounds a command's size and the wait of the last in it. */
    static final int MAX_BATCH = 64;

    private final AxonClient axon;
    private final GatewayMetrics metrics;
    private final Duration timeout;
    private final ConcurrentMap<String, ChannelQueue> channels = new ConcurrentHashMap<>();

    MessageSender(AxonClient axon, GatewayMetrics metrics, SendProperties properties) {
        this.axon = axon;
        this.metrics = metrics;
        this.timeout = properties.timeout();
    }

    /** Answers once the message is durably stored, or with the original answer to a retry. */
    public Mono<SendReceipt> send(Caller caller, String channelId, String clientMsgId, String text, Long threadSeq) {
        return Mono.defer(() -> {
            Limits.requireClientMsgId(clientMsgId);
            Limits.requireText(text);
            Limits.requireSeq(threadSeq, "threadSeq");
            SendMessageCommand send = new SendMessageCommand(channelId, caller.userId(), clientMsgId, text, threadSeq);
            return Mono.<SendReceipt>create(answer -> channels.computeIfAbsent(channelId, ChannelQueue::new)
                            .submit(new Pending(send, answer)))
                    .doOnNext(receipt -> metrics.sent(receipt.replayed()));
        });
    }

    private record Pending(SendMessageCommand send, MonoSink<SendReceipt> answer) {
    }

    /** The sends waiting for one channel, and whether a command for it is on its way. */
    private final class ChannelQueue {

        private final String channelId;
        private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean sending = new AtomicBoolean();

        ChannelQueue(String channelId) {
            this.channelId = channelId;
        }

        void submit(Pending pending) {
            waiting.add(pending);
            next();
        }

        /** Sends what is waiting unless a command is on its way; its end calls this again. */
        private void next() {
            while (!waiting.isEmpty() && sending.compareAndSet(false, true)) {
                List<Pending> batch = new ArrayList<>();
                for (Pending pending; batch.size() < MAX_BATCH && (pending = waiting.poll()) != null; ) {
                    batch.add(pending);
                }
                if (batch.isEmpty()) {
                    sending.set(false);
                    continue;
                }
                dispatch(batch).doFinally(signal -> {
                    sending.set(false);
                    if (waiting.isEmpty()) {
                        // Idle: forget the channel. A send that found this queue a moment ago still finds it working.
                        channels.remove(channelId, this);
                    }
                    next();
                }).subscribe();
                return;
            }
        }

        private Mono<Void> dispatch(List<Pending> batch) {
            if (batch.size() == 1) {
                Pending alone = batch.get(0);
                return confirmed(axon.<SendReceipt>send(alone.send()))
                        .doOnNext(alone.answer()::success)
                        .doOnError(alone.answer()::error)
                        .onErrorResume(error -> Mono.empty())
                        .then();
            }
            return confirmed(axon.<SendOutcomes>send(new SendMessagesCommand(channelId, batch.stream().map(Pending::send).toList())))
                    .doOnNext(answers -> {
                        for (int i = 0; i < batch.size(); i++) {
                            SendOutcomes.Outcome outcome = answers.outcomes().get(i);
                            if (outcome.refusal() != null) {
                                batch.get(i).answer().error(outcome.refusal().exception());
                            } else {
                                batch.get(i).answer().success(outcome.receipt());
                            }
                        }
                    })
                    .doOnError(error -> batch.forEach(pending -> pending.answer().error(error)))
                    .onErrorResume(error -> Mono.empty())
                    .then();
        }

        private <R> Mono<R> confirmed(Mono<R> command) {
            return command.timeout(timeout, Mono.error(() -> new SendUnconfirmedException(timeout)));
        }
    }
}
