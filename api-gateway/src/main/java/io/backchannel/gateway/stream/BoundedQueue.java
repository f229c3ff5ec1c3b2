package io.backchannel.gateway.stream;

import reactor.util.concurrent.Queues;

import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;

/**
 * A single-producer, single-consumer queue of at most {@code capacity} elements that takes its memory in
 * small chunks as it fills, for the per-connection buffers of a sink: most connections are idle and
 * their buffers empty, and an array queue costs its whole bound up front (4 bytes a slot, 4 KB for
 * 1,024), idle or not. {@link #offer} refuses beyond the bound, which a sink reports as an overflow.
 */
public final class BoundedQueue<T> extends AbstractQueue<T> {

    /** Slots allocated at a time: an empty queue holds one such chunk. */
    private static final int CHUNK = 16;

    private final Queue<T> queue = Queues.<T>unbounded(CHUNK).get();
    private final int capacity;

    public BoundedQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Adds unless full. Only the producer adds and the consumer only takes away, so a size read here can
     * only be too large, never too small: the bound holds without a lock.
     */
    @Override
    public boolean offer(T element) {
        return queue.size() < capacity && queue.offer(element);
    }

    @Override
    public T poll() {
        return queue.poll();
    }

    @Override
    public T peek() {
        return queue.peek();
    }

    @Override
    public int size() {
        return queue.size();
    }

    @Override
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Not supported, as by Reactor's own queues: a sink never iterates its buffer. */
    @Override
    public Iterator<T> iterator() {
        throw new UnsupportedOperationException("a BoundedQueue is drained with poll(), not iterated");
    }
}
