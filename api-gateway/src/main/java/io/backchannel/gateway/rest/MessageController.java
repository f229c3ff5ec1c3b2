package io.backchannel.gateway.rest;

import io.backchannel.api.Limits;
import io.backchannel.api.Rejection;
import io.backchannel.api.channel.EventPage;
import io.backchannel.api.channel.FetchEventsQuery;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.api.message.AddReactionCommand;
import io.backchannel.api.message.DeleteMessageCommand;
import io.backchannel.api.message.EditMessageCommand;
import io.backchannel.api.message.FetchHistoryAsOfQuery;
import io.backchannel.api.message.FetchHistoryQuery;
import io.backchannel.api.message.FetchRepliesQuery;
import io.backchannel.api.message.RemoveReactionCommand;
import io.backchannel.api.message.MessagePage;
import io.backchannel.api.message.SendReceipt;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.messaging.MessageSender;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.security.ChannelReadAccess;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Instant;

/** Sending, history and the raw event log of a channel. */
@RestController
class MessageController {

    private final AxonClient axon;
    private final ChannelReadAccess readAccess;
    private final MessageSender sender;

    MessageController(AxonClient axon, ChannelReadAccess readAccess, MessageSender sender) {
        this.axon = axon;
        this.readAccess = readAccess;
        this.sender = sender;
    }

    record Send(String clientMsgId, String text, Long threadSeq) {
    }

    record Ack(String messageId, String channelId, long seq, Instant ts, String clientMsgId) {
        static Ack of(SendReceipt receipt) {
            return new Ack(receipt.messageId(), receipt.channelId(), receipt.seq(), receipt.ts(), receipt.clientMsgId());
        }
    }

    /**
     * Answers only once the event is durably stored: 201 for a new message, 200 with the original
     * answer for a retry of the same (channel, user, clientMsgId).
     */
    @PostMapping("/api/channels/{channelId}/messages")
    Mono<ResponseEntity<Ack>> send(@PathVariable String channelId, @RequestBody Send request, Caller caller) {
        return sender.send(caller, channelId, request.clientMsgId(), request.text(), request.threadSeq())
                .map(receipt -> ResponseEntity.status(receipt.replayed() ? HttpStatus.OK : HttpStatus.CREATED)
                        .body(Ack.of(receipt)));
    }

    record Edit(String text) {
    }

    record Reaction(String emoji) {
    }

    /**
     * Messages as they are now, or, with {@code asOfSeq}, as they stood right after that event (built
     * from the log: later edits, deletes and reactions not yet applied).
     */
    @GetMapping("/api/channels/{channelId}/messages")
    Mono<MessagePage> history(@PathVariable String channelId, @RequestParam(required = false) Long before,
                              @RequestParam(required = false) Long after,
                              @RequestParam(required = false) Integer limit,
                              @RequestParam(required = false) Long asOfSeq, Caller caller) {
        int pageLimit = Limits.pageLimit(limit);
        if (before != null && after != null) {
            return Mono.error(Rejection.invalid("give at most one of before and after").exception());
        }
        Limits.requireSeq(before, "before");
        Limits.requireAfter(after);
        Limits.requireSeq(asOfSeq, "asOfSeq");
        return readAccess.require(channelId, caller).flatMap(channel -> {
            if (asOfSeq == null) {
                return axon.query(new FetchHistoryQuery(channelId, before, after, pageLimit), MessagePage.class);
            }
            if (asOfSeq > channel.lastSeq()) {
                return Mono.error(Rejection.invalid("asOfSeq " + asOfSeq + " is beyond the channel's last seq "
                        + channel.lastSeq()).exception());
            }
            return axon.query(new FetchHistoryAsOfQuery(channelId, asOfSeq, before, after, pageLimit),
                    MessagePage.class);
        });
    }

    @GetMapping("/api/channels/{channelId}/messages/{seq}/replies")
    Mono<MessagePage> replies(@PathVariable String channelId, @PathVariable long seq,
                              @RequestParam(required = false) Long after, @RequestParam(required = false) Integer limit,
                              Caller caller) {
        int pageLimit = Limits.pageLimit(limit);
        Limits.requireAfter(after);
        return readAccess.requireReadable(channelId, caller)
                .then(axon.query(new FetchRepliesQuery(channelId, seq, after, pageLimit), MessagePage.class))
                .switchIfEmpty(Mono.error(() -> Rejection.notFound("no message at seq " + seq).exception()));
    }

    /** The author's new text; answers the {@code message.edited} event. */
    @PatchMapping("/api/channels/{channelId}/messages/{seq}")
    Mono<ChannelEvent> edit(@PathVariable String channelId, @PathVariable long seq, @RequestBody Edit request,
                            Caller caller) {
        Limits.requireText(request.text());
        return axon.send(new EditMessageCommand(channelId, caller.userId(), seq, request.text()));
    }

    @DeleteMapping("/api/channels/{channelId}/messages/{seq}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> delete(@PathVariable String channelId, @PathVariable long seq, Caller caller) {
        return axon.send(new DeleteMessageCommand(channelId, caller.userId(), seq)).then();
    }

    @PostMapping("/api/channels/{channelId}/messages/{seq}/reactions")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> react(@PathVariable String channelId, @PathVariable long seq, @RequestBody Reaction request,
                     Caller caller) {
        Limits.requireEmoji(request.emoji());
        return axon.send(new AddReactionCommand(channelId, caller.userId(), seq, request.emoji())).then();
    }

    @DeleteMapping("/api/channels/{channelId}/messages/{seq}/reactions/{emoji}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> unreact(@PathVariable String channelId, @PathVariable long seq, @PathVariable String emoji,
                       Caller caller) {
        Limits.requireEmoji(emoji);
        return axon.send(new RemoveReactionCommand(channelId, caller.userId(), seq, emoji)).then();
    }

    @GetMapping("/api/channels/{channelId}/events")
    Mono<EventPage> events(@PathVariable String channelId, @RequestParam(defaultValue = "-1") long after,
                           @RequestParam(required = false) Integer limit, Caller caller) {
        int pageLimit = Limits.pageLimit(limit);
        Limits.requireAfter(after);
        return readAccess.requireReadable(channelId, caller)
                .then(axon.query(new FetchEventsQuery(channelId, after, pageLimit), EventPage.class));
    }
}
