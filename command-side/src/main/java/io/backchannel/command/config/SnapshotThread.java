package io.backchannel.command.config;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one thread channels are snapshotted on ({@link CommandSideConfiguration#aggregateSnapshotter}). It is not
 * an {@link Executor} bean itself: one would stand in for Spring Boot's application task executor, which would
 * then not be created.
 */
public final class SnapshotThread implements AutoCloseable {

    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread snapshots = new Thread(task, "channel-snapshots");
        snapshots.setDaemon(true);
        return snapshots;
    });

    SnapshotThread() {
    }

    public Executor executor() {
        return thread;
    }

    /** A snapshot still waiting is dropped: it would only have shortened a later replay. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
