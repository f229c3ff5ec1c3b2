package io.backchannel.bench;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A group of subscribers of one channel, with ramp-up, totals and teardown. */
final class Subscribers {

    final List<Subscriber> all = new ArrayList<>();

    Subscribers(int count, String channelId, List<Client.User> users, StreamTransport transport, long baseSeq,
                Subscriber.ReceiptSink sink) {
        for (int i = 0; i < count; i++) {
            all.add(new Subscriber(channelId, users.get(i % users.size()).token(), transport, baseSeq, sink));
        }
    }

    /** Opens every stream, {@code concurrency} at a time; returns how many failed to open. */
    long connect(int concurrency, long afterSeq, boolean reconnect, Duration timeout) {
        AtomicLong failed = new AtomicLong();
        Flux.fromIterable(all)
                .flatMap(s -> Mono.fromFuture(() -> s.connect(afterSeq, reconnect))
                        .timeout(Duration.ofSeconds(30))
                        .onErrorResume(e -> {
                            failed.incrementAndGet();
                            return Mono.empty();
                        }), Math.max(1, concurrency))
                .then()
                .block(timeout);
        return failed.get();
    }

    String firstError() {
        return all.stream().map(Subscriber::lastError).filter(e -> e != null).findFirst()
                .map(e -> e.getClass().getSimpleName() + ": " + e.getMessage()).orElse("none");
    }

    /** Waits until every subscriber has every seq up to {@code until}, or the time is up; returns how many have. */
    long awaitComplete(long until, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            long done = all.stream().filter(s -> s.tracker().complete(until)).count();
            if (done == all.size() || System.nanoTime() > deadline) {
                return done;
            }
            Client.sleep(50);
        }
    }

    void dropAll() {
        all.forEach(Subscriber::drop);
    }

    long sum(java.util.function.ToLongFunction<Subscriber> f) {
        return all.stream().mapToLong(f).sum();
    }

    long count(java.util.function.Predicate<Subscriber> p) {
        return all.stream().filter(p).count();
    }

    /** Lost, duplicated and out-of-order deliveries, summed, and per-subscriber counts, into the report. */
    void integrityFigures(Report report, long until) {
        report.figure("lost", "lost deliveries (seq never given by the end)", sum(s -> s.tracker().lost(until)));
        report.figure("gaps", "  of which gaps (skipped, a later seq was given)", sum(s -> s.tracker().gaps(until)));
        report.figure("pending", "  of which still pending (after the last seq given)", sum(s -> s.tracker().pending(until)));
        report.figure("duplicates", "duplicate deliveries", sum(s -> s.tracker().duplicates()));
        report.figure("outOfOrder", "out-of-order deliveries", sum(s -> s.tracker().outOfOrder()));
        report.figure("subscribersWithLoss", "subscribers missing something", count(s -> s.tracker().lost(until) > 0));
        report.figure("resyncs", "resync frames received", sum(s -> s.resyncs.get()));
        report.figure("drops", "streams that ended unexpectedly (resumed)", sum(s -> s.drops.get()));
        report.figure("failedOpens", "failed stream opens (incl. retried)", sum(s -> s.failedOpens.get()));
    }
}
