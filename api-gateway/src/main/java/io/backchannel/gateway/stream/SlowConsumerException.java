package io.backchannel.gateway.stream;

/** A listener fell more than a buffer behind; it must resume from {@code afterSeq}. */
public class SlowConsumerException extends RuntimeException {

    private final String channelId;
    private final long afterSeq;

    public SlowConsumerException(String channelId, long afterSeq) {
        super("client fell behind on channel " + channelId + " after seq " + afterSeq, null, false, false);
        this.channelId = channelId;
        this.afterSeq = afterSeq;
    }

    public String channelId() { return channelId; }

    public long afterSeq() { return afterSeq; }
}
