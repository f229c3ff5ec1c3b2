package io.backchannel.gateway.config;

import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * How the gateway builds its caches. By default Caffeine hands a cache's upkeep (the reads it has recorded,
 * eviction, collected weak keys) to the common fork-join pool, a task every few reads: for a cache read on
 * every delivery that is a pool thread woken thousands of times a second, each time taking a core from the
 * event loops (measured on fan-out). Here the thread that reads the cache does the upkeep itself, a few
 * entries at a time, when it is due.
 */
public final class Caches {

    private Caches() {
    }

    public static Caffeine<Object, Object> newBuilder() {
        return Caffeine.newBuilder().executor(Runnable::run);
    }
}
