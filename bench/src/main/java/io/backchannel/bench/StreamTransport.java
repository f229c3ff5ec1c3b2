package io.backchannel.bench;


/**
 * How a subscriber follows one channel: SSE today, WebSocket when the server offers {@code /api/ws}.
 * A transport opens a connection that resumes after a seq and reports every event on its I/O thread.
 */
interface StreamTransport {

    String name();

    /** Opens one channel stream that delivers every event with seq > {@code afterSeq}, then live ones. */
    Connection open(String channelId, String token, long afterSeq, Listener listener);

    interface Connection {
        /** Drops the connection (as a client going away would); no more callbacks after this. */
        void close();
    }

    interface Listener {
        /** The stream is established (SSE: 200 and headers; WebSocket: subscribed). */
        void onOpen();

        /** One channel event: its seq, and its JSON, which is valid only during the call. */
        void onEvent(long seq, RawJson event);

        /** The server gave up buffering for this subscriber; it should resume after {@code afterSeq}. */
        void onResync(long afterSeq);

        /** The stream ended: {@code error} is null for a normal end. */
        void onClosed(Throwable error);
    }

    static StreamTransport of(String name, String baseUrl) {
        return switch (name) {
            case "sse" -> new SseTransport(baseUrl);
            case "ws" -> new WsTransport(baseUrl);
            case "mixed" -> mixed(new SseTransport(baseUrl), new WsTransport(baseUrl));
            default -> throw new BenchException("unknown transport '" + name + "' (sse|ws|mixed)");
        };
    }

    /**
     * Half the subscribers on each transport: each subscriber (known by its token) gets the next one in
     * turn when it first opens, and keeps it when it resumes.
     */
    private static StreamTransport mixed(StreamTransport sse, StreamTransport ws) {
        java.util.Map<String, StreamTransport> chosen = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicLong turn = new java.util.concurrent.atomic.AtomicLong();
        return new StreamTransport() {
            @Override
            public String name() {
                return "mixed";
            }

            @Override
            public Connection open(String channelId, String token, long afterSeq, Listener listener) {
                return chosen.computeIfAbsent(token, t -> turn.getAndIncrement() % 2 == 0 ? sse : ws)
                        .open(channelId, token, afterSeq, listener);
            }
        };
    }
}
