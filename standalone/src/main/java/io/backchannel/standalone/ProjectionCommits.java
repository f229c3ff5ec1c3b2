package io.backchannel.standalone;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When the projections' store commits: between batches only, and while the projections work through a
 * backlog (a full batch says more is waiting) at most once an interval. Each commit serialises every page the
 * writes since the last one changed (mongo-java-server's documents by Java serialisation); after every batch
 * that was over 40 % of the projections' CPU under send load, most of it the same hot pages again. A batch
 * that is not full means they have caught up, and it commits at once, so a quiet store is always committed.
 * A crash loses the batches since the last commit; they are replayed from the event store with their token.
 */
final class ProjectionCommits {

    private final int batchSize;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private long lastCommit;

    ProjectionCommits(int batchSize, Duration interval, LongSupplier nanoClock) {
        this.batchSize = batchSize;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.lastCommit = nanoClock.getAsLong();
    }

    /** Whether to commit after a batch of {@code events}; called by the projections' one processor thread. */
    boolean commitAfter(int events) {
        long now = nanoClock.getAsLong();
        if (events < batchSize || now - lastCommit >= intervalNanos) {
            lastCommit = now;
            return true;
        }
        return false;
    }
}
