package io.backchannel.bench;

import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Scenario 2, fan-out: M subscribers follow one channel while R messages a second are published for
 * D seconds (open loop, on a fixed schedule). Reports end-to-end latency (send start -> receipt at
 * each subscriber) and lost, duplicated and out-of-order deliveries.
 */
final class FanoutScenario {

    private FanoutScenario() {
    }

    static void run(Ctx ctx) {
        Options o = ctx.options;
        int subscriberCount = o.integer("subscribers");
        int rate = o.integer("rate");
        Duration duration = o.duration("fanout-duration");
        Duration warmup = o.duration("fanout-warmup");
        int publisherCount = o.integer("publishers");
        int subUsers = o.subscriberUsers(subscriberCount);
        int textSize = o.integer("text-size");
        String transportName = o.string("transport");
        long total = Math.max(1, Math.round(rate * (duration.toMillis() / 1000.0)));
        long warmupTotal = Math.round(rate * (warmup.toMillis() / 1000.0));
        Report report = new Report("fanout", "fan-out: " + subscriberCount + " " + transportName + " subscribers, "
                + rate + " msg/s for " + duration.toSeconds() + " s");
        report.param("subscribers", subscriberCount).param("subscriberUsers", subUsers).param("rate", rate)
                .param("duration", Ctx.human(duration)).param("warmup", Ctx.human(warmup)).param("publishers", publisherCount).param("transport", transportName)
                .param("messages", total);

        Client client = ctx.client;
        Ctx.log("fanout: setting up %d subscriber users and %d publishers", subUsers, publisherCount);
        Client.User owner = client.signUp(ctx.username("fan-owner", 0)).block();
        String teamId = client.createTeam(owner, "fanout-" + ctx.runId).block();
        String channelId = client.createChannel(owner, teamId, "fanout").block();
        List<Client.User> publishers = ctx.signUpMany("fan-p", publisherCount);
        ctx.joinTeamMany(publishers, teamId);
        Client.parallel(publishers.size(), ctx.setupConcurrency, i -> client.joinChannel(publishers.get(i), channelId).thenReturn(i),
                ctx.setupTimeout);
        List<Client.User> subUserList = ctx.signUpMany("fan-u", subUsers);
        ctx.joinTeamMany(subUserList, teamId);
        long baseSeq = client.lastSeq(owner, channelId).block();

        ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
        Histogram e2e = Report.histogram();
        // Until the JIT has compiled the delivery path it spends more CPU than delivery does (measured: over
        // half a core at 10 msg/s in a fresh server), so the warm-up's latencies are kept apart.
        Histogram warmupE2e = Report.histogram();
        AtomicLong measuredFrom = new AtomicLong(Long.MAX_VALUE);
        AtomicLong unknownReceipts = new AtomicLong();
        Subscriber.ReceiptSink sink = (clientMsgId, nanos) -> {
            Long start = sentAt.get(clientMsgId);
            if (start == null) {
                unknownReceipts.incrementAndGet();
            } else {
                Report.record(start >= measuredFrom.get() ? e2e : warmupE2e, nanos - start);
            }
        };
        StreamTransport transport = StreamTransport.of(transportName, ctx.url);
        Subscribers subscribers = new Subscribers(subscriberCount, channelId, subUserList, transport, baseSeq, sink);
        try {
            Ctx.log("fanout: opening %d %s streams", subscriberCount, transportName);
            long c0 = System.nanoTime();
            long failed = subscribers.connect(o.integer("connect-concurrency"), baseSeq, true, ctx.setupTimeout);
            double connectSeconds = (System.nanoTime() - c0) / 1e9;
            report.section("connections");
            report.figure("connected", "streams open", (long) subscriberCount - failed);
            report.figure("connectSeconds", "time to open them all (s)", Ctx.round2(connectSeconds));
            if (failed == subscriberCount) {
                report.note("no stream could be opened: " + subscribers.firstError());
                report.print();
                report.append(ctx.resultsDir, ctx.environment());
                throw new BenchException("fanout: no " + transportName + " stream could be opened: " + subscribers.firstError());
            }
            Client.sleep(1_000);

            Sends sends = new Sends(client);
            Histogram ackLatency = Report.histogram();
            ConcurrentLinkedQueue<Sends.Ack> acks = new ConcurrentLinkedQueue<>();
            long periodNanos = Math.max(1, 1_000_000_000L / Math.max(1, rate));
            Function<Long, Mono<Sends.Ack>> publish = i -> {
                Client.User publisher = publishers.get((int) Math.floorMod(i, (long) publishers.size()));
                String clientMsgId = ctx.runId + "-f" + i;
                return Mono.defer(() -> {
                    sentAt.put(clientMsgId, System.nanoTime());
                    return sends.send(publisher, channelId, clientMsgId, Sends.text(textSize, clientMsgId));
                });
            };
            if (warmupTotal > 0) {
                Ctx.log("fanout: warming up with %d messages at %d/s", warmupTotal, rate);
                Flux.interval(Duration.ofNanos(periodNanos))
                        .take(warmupTotal)
                        .onBackpressureBuffer()
                        .flatMap(i -> publish.apply(-1 - i), 100_000)
                        .then()
                        .block(warmup.plus(Duration.ofMinutes(2)));
            }
            Ctx.log("fanout: publishing %d messages at %d/s", total, rate);
            long[][] cpu = new long[2][];
            long[] window = new long[2];
            ctx.profiled("fanout", report, () -> {
                cpu[0] = ctx.cpu();
                window[0] = System.nanoTime();
                measuredFrom.set(window[0]);
                Flux.interval(Duration.ofNanos(periodNanos))
                        .take(total)
                        .onBackpressureBuffer()
                        .flatMap(i -> publish.apply(i).doOnNext(ack -> {
                            acks.add(ack);
                            Report.record(ackLatency, ack.endNanos() - ack.startNanos());
                        }), 100_000)
                        .then()
                        .block(duration.plus(Duration.ofMinutes(2)));
                window[1] = System.nanoTime();
                cpu[1] = ctx.cpu();
                return null;
            });
            double publishSeconds = (window[1] - window[0]) / 1e9;
            long lastSeq = acks.stream().mapToLong(Sends.Ack::seq).max().orElse(baseSeq);
            Ctx.log("fanout: published up to seq %d; waiting for deliveries", lastSeq);
            long d0 = System.nanoTime();
            long complete = subscribers.awaitComplete(lastSeq, o.duration("drain"));
            double drainSeconds = (System.nanoTime() - d0) / 1e9;

            report.section("publishing");
            report.figure("acked", "messages acked", (long) acks.size());
            report.figure("publishRate", "achieved publish rate (acks/s)", Ctx.round2(acks.size() / publishSeconds));
            report.latency("ackLatency", "ack latency", ackLatency);
            sends.figures(report);
            if (cpu[0] != null && cpu[1] != null) {
                ctx.cpuFigures(report, cpu[0], cpu[1]);
            }
            report.section("delivery");
            report.figure("expectedDeliveries", "expected deliveries (events x subscribers)",
                    (lastSeq - baseSeq) * subscriberCount);
            report.figure("deliveries", "deliveries received", subscribers.sum(s -> s.tracker().received()));
            report.latency("e2eLatency", "end-to-end latency (send start -> receipt)", e2e);
            if (warmupTotal > 0) {
                report.latency("warmupE2eLatency", "the same during the warm-up (not the figure)", warmupE2e);
            }
            report.figure("complete", "subscribers with every event", complete);
            report.figure("drainSeconds", "wait after the last ack (s)", Ctx.round2(drainSeconds));
            subscribers.integrityFigures(report, lastSeq);
            if (unknownReceipts.get() > 0) {
                report.figure("unknownReceipts", "message.posted not sent by this run", unknownReceipts.get());
            }
            ctx.serverFigures(report, (long) acks.size() * subscriberCount, "delivery");
            report.print();
            report.append(ctx.resultsDir, ctx.environment());
        } finally {
            subscribers.dropAll();
        }
    }
}
