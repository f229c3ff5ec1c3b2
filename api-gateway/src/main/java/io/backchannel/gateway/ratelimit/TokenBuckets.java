package io.backchannel.gateway.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per key, each stored as a single number: the time at which the bucket will be full
 * again (the "theoretical arrival time" of the generic cell rate algorithm, which is a token bucket
 * written as a clock). Taking a token moves that time one interval on; a bucket whose time is more than
 * {@code burst} intervals ahead of now is empty. Each update runs inside the map's per-key
 * {@code compute}, so concurrent requests of one user never lose a token, and different users never
 * wait on each other.
 *
 * <p>A bucket whose full-again time has passed is indistinguishable from a missing one, so
 * {@link #sweep()} drops it: memory holds only the users that have spent tokens recently.
 */
final class TokenBuckets {

    private final long intervalNanos;
    private final long capacityNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** The full-again time, only read and written under the map's lock for its key. */
    private static final class Bucket {
        long fullAt = Long.MIN_VALUE;
    }

    TokenBuckets(double perSecond, int burst, LongSupplier nanoClock) {
        this.intervalNanos = Math.max(1, Math.round(1_000_000_000d / perSecond));
        this.capacityNanos = Math.multiplyExact(intervalNanos, (long) burst);
        this.nanoClock = nanoClock;
    }

    /** Takes a token: 0 if one was there, else how many nanoseconds until one will be (nothing is taken). */
    long tryTake(String key) {
        long now = nanoClock.getAsLong();
        long[] wait = new long[1];
        buckets.compute(key, (k, bucket) -> {
            Bucket current = bucket != null ? bucket : new Bucket();
            long start = Math.max(current.fullAt, now);
            long next = start + intervalNanos;
            if (next - now > capacityNanos) {
                wait[0] = next - now - capacityNanos;
                return bucket;
            }
            current.fullAt = next;
            return current;
        });
        return wait[0];
    }

    /** Drops every bucket that has refilled completely; returns how many remain. */
    int sweep() {
        long now = nanoClock.getAsLong();
        for (String key : buckets.keySet()) {
            buckets.computeIfPresent(key, (k, bucket) -> bucket.fullAt <= now ? null : bucket);
        }
        return buckets.size();
    }

    int size() {
        return buckets.size();
    }
}
