package io.backchannel.bench;

import reactor.core.scheduler.Schedulers;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One logical subscriber of a channel: a connection through some {@link StreamTransport}, the
 * bookkeeping of what it was given ({@link SeqTracker}), and a client's reconnect policy (resume after
 * the last seq it was given, with backoff) when the stream ends while it still wants it.
 */
final class Subscriber implements StreamTransport.Listener {

    private static final byte[] POSTED = "\"type\":\"message.posted\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLIENT_MSG_ID = RawJson.stringKey("clientMsgId");

    /** Told of each first receipt of a {@code message.posted} event, by clientMsgId. */
    interface ReceiptSink {
        void received(String clientMsgId, long nanos);
    }

    private static final int MAX_ATTEMPTS = 10;

    private final String channelId;
    private final String token;
    private final StreamTransport transport;
    private final SeqTracker tracker;
    private final ReceiptSink sink;

    private volatile boolean wanted;
    private volatile boolean autoReconnect;
    private volatile StreamTransport.Connection connection;
    private volatile CompletableFuture<Void> opened = new CompletableFuture<>();
    private volatile long target = Long.MAX_VALUE;
    private volatile long caughtUpAt;
    private volatile long openedAt;
    private volatile Throwable lastError;
    private int attempt;

    final AtomicLong opens = new AtomicLong();
    final AtomicLong failedOpens = new AtomicLong();
    final AtomicLong drops = new AtomicLong();
    final AtomicLong resyncs = new AtomicLong();

    Subscriber(String channelId, String token, StreamTransport transport, long baseSeq, ReceiptSink sink) {
        this.channelId = channelId;
        this.token = token;
        this.transport = transport;
        this.tracker = new SeqTracker(baseSeq);
        this.sink = sink;
    }

    SeqTracker tracker() {
        return tracker;
    }

    /** Opens the stream after {@code afterSeq}; the future completes once it is established. */
    synchronized CompletableFuture<Void> connect(long afterSeq, boolean reconnect) {
        wanted = true;
        autoReconnect = reconnect;
        if (opened.isDone()) {
            opened = new CompletableFuture<>();
        }
        connection = transport.open(channelId, token, afterSeq, this);
        return opened;
    }

    /** Goes away as a client would: the connection is closed and not reopened. */
    synchronized void drop() {
        wanted = false;
        StreamTransport.Connection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }

    /** Sets what to catch up to, and starts timing it again: a storm can follow another. */
    void target(long seq) {
        caughtUpAt = 0;
        target = seq;
        if (tracker.complete(seq)) {
            caughtUpAt = System.nanoTime();
        }
    }

    /** When every seq up to the target had arrived ({@code System.nanoTime()}), or 0. */
    long caughtUpAt() {
        return caughtUpAt;
    }

    long openedAt() {
        return openedAt;
    }

    Throwable lastError() {
        return lastError;
    }

    boolean isOpen() {
        return opened.isDone() && !opened.isCompletedExceptionally() && connection != null && wanted;
    }

    @Override
    public void onOpen() {
        openedAt = System.nanoTime();
        opens.incrementAndGet();
        synchronized (this) {
            attempt = 0;
        }
        opened.complete(null);
    }

    @Override
    public void onEvent(long seq, RawJson event) {
        long now = System.nanoTime();
        boolean fresh = tracker.onEvent(seq);
        // Only a latency measurement needs to know which send this was: a storm's ten million events skip the scan.
        if (fresh && sink != null && event.contains(POSTED)) {
            String clientMsgId = event.string(CLIENT_MSG_ID);
            if (clientMsgId != null) {
                sink.received(clientMsgId, now);
            }
        }
        long t = target;
        if (caughtUpAt == 0 && seq >= t && tracker.complete(t)) {
            caughtUpAt = now;
        }
    }

    @Override
    public void onResync(long afterSeq) {
        resyncs.incrementAndGet();
        // the server ends the stream after a resync; onClosed reconnects from the last seq given
    }

    @Override
    public void onClosed(Throwable error) {
        lastError = error;
        boolean beforeOpen = !opened.isDone();
        if (beforeOpen) {
            failedOpens.incrementAndGet();
        } else if (wanted) {
            drops.incrementAndGet();
        }
        if (!wanted || !autoReconnect) {
            if (beforeOpen) {
                opened.completeExceptionally(error != null ? error : new BenchException("stream closed before it opened"));
            }
            return;
        }
        int n;
        synchronized (this) {
            n = ++attempt;
        }
        if (n > MAX_ATTEMPTS) {
            wanted = false;
            if (beforeOpen) {
                opened.completeExceptionally(error != null ? error : new BenchException("stream closed before it opened"));
            }
            return;
        }
        long backoff = Math.min(5_000, 100L << Math.min(n - 1, 6));
        Schedulers.parallel().schedule(() -> {
            synchronized (this) {
                if (wanted) {
                    connection = transport.open(channelId, token, tracker.resumeFrom(), this);
                }
            }
        }, backoff, TimeUnit.MILLISECONDS);
    }
}
