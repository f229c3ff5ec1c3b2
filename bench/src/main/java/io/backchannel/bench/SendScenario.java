package io.backchannel.bench;

import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Scenario 1, send throughput: N closed-loop senders (each its own user, a member of its channels)
 * post as fast as their acks come back, for a fixed time and at most a fixed count; then the stored
 * logs are read back through the events endpoint and checked against every ack.
 */
final class SendScenario {

    /**
     * How long the check waits for a channel's projection to show its last ack. Under the heaviest loads the
     * projections end minutes behind, and a log read before they catch up would count their backlog as lost.
     */
    private static final Duration PROJECTION_WAIT = Duration.ofMinutes(5);

    private SendScenario() {
    }

    static void run(Ctx ctx) {
        for (int channels : ctx.options.integers("send-channels")) {
            phase(ctx, channels);
        }
    }

    private static void phase(Ctx ctx, int channelCount) {
        Options o = ctx.options;
        int senderCount = o.integer("senders");
        Duration warmup = o.duration("warmup");
        Duration duration = o.duration("duration");
        long maxCount = o.integer("count");
        int textSize = o.integer("text-size");
        String transport = o.string("send-transport");
        String tag = ctx.runId + "-c" + channelCount;
        Report report = new Report("send", (channelCount == 1 ? "send throughput: one hot channel"
                : "send throughput: " + channelCount + " channels") + (transport.equals("ws") ? ", over WebSocket" : ""));
        report.param("channels", channelCount).param("transport", transport).param("senders", senderCount).param("duration", Ctx.human(duration))
                .param("warmup", Ctx.human(warmup)).param("maxCount", maxCount).param("textSize", textSize);

        // --- setup: a team, its channels, one user per sender ------------------------------------------
        Ctx.log("send: setting up %d channels and %d senders", channelCount, senderCount);
        Client client = ctx.client;
        Sends.Poster poster = switch (transport) {
            case "http" -> Sends.http(client);
            case "ws" -> new WsPoster(ctx.url);
            default -> throw new BenchException("--send-transport must be http or ws, not " + transport);
        };
        Client.User owner = client.signUp(ctx.username("owner-c" + channelCount + "-", 0)).block();
        String teamId = client.createTeam(owner, "send-" + tag).block();
        List<String> channels = Client.parallel(channelCount, ctx.setupConcurrency,
                i -> client.createChannel(owner, teamId, "ch-" + i), ctx.setupTimeout);
        List<Client.User> senders = ctx.signUpMany("c" + channelCount + "-s", senderCount);
        ctx.joinTeamMany(senders, teamId);
        List<List<String>> assigned = assign(senderCount, channels);
        List<String[]> joins = new ArrayList<>();
        for (int i = 0; i < senderCount; i++) {
            for (String ch : assigned.get(i)) {
                joins.add(new String[]{Integer.toString(i), ch});
            }
        }
        Client.parallel(joins.size(), ctx.setupConcurrency,
                i -> client.joinChannel(senders.get(Integer.parseInt(joins.get(i)[0])), joins.get(i)[1]).thenReturn(i),
                ctx.setupTimeout);
        Ctx.log("send: %d channel memberships; starting %s warm-up + %s measured", joins.size(), Ctx.human(warmup), Ctx.human(duration));

        // --- load ----------------------------------------------------------------------------------------
        Sends sends = new Sends(poster);
        Histogram latency = Report.histogram();
        ConcurrentLinkedQueue<Sends.Ack> acks = new ConcurrentLinkedQueue<>();
        AtomicLong issued = new AtomicLong();
        AtomicLong measuredAcks = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        long[][] cpuMarks = new long[2][];

        ctx.profiled("send-c" + channelCount, report, warmup, () -> {
            Flux.range(0, senderCount)
                    .flatMap(i -> {
                        Client.User user = senders.get(i);
                        List<String> mine = assigned.get(i);
                        AtomicLong n = new AtomicLong();
                        return Mono.defer(() -> {
                                    long k = n.getAndIncrement();
                                    String channelId = mine.get((int) (k % mine.size()));
                                    String clientMsgId = tag + "-s" + i + "-" + k;
                                    return sends.send(user, channelId, clientMsgId, Sends.text(textSize, clientMsgId))
                                            .doOnNext(ack -> {
                                                acks.add(ack);
                                                if (ack.endNanos() >= measureFrom && ack.endNanos() <= end) {
                                                    measuredAcks.incrementAndGet();
                                                    Report.record(latency, ack.endNanos() - ack.startNanos());
                                                }
                                            })
                                            .then();
                                })
                                .repeat(() -> System.nanoTime() < end && issued.incrementAndGet() < maxCount)
                                .then();
                    }, senderCount)
                    .doOnSubscribe(s -> Mono.delay(warmup).subscribe(t -> cpuMarks[0] = ctx.cpu()))
                    .then(Mono.fromRunnable(() -> cpuMarks[1] = ctx.cpu()))
                    .block(warmup.plus(duration).plus(Duration.ofMinutes(2)));
            return null;
        });
        poster.close();
        long measuredNanos = Math.min(System.nanoTime(), end) - measureFrom;
        double seconds = measuredNanos / 1e9;

        report.section("load");
        report.figure("ackedTotal", "acked sends (warm-up included)", (long) acks.size());
        report.figure("ackedMeasured", "acked sends in the measured window", measuredAcks.get());
        report.figure("measuredSeconds", "measured window (s)", Ctx.round2(seconds));
        report.figure("ackedPerSecond", "acked sends/s", Ctx.round2(measuredAcks.get() / seconds));
        report.latency("ackLatency", "ack latency (send start -> 2xx)", latency);
        if (issued.get() >= maxCount) {
            report.note(String.format("the --count cap (%,d sends) was reached %.1f s after the start, %s of it"
                            + " warm-up: the senders stopped early; raise --count to measure the whole window",
                    maxCount, (measuredNanos + warmup.toNanos()) / 1e9, Ctx.human(warmup)));
        }
        sends.figures(report);
        if (cpuMarks[0] != null && cpuMarks[1] != null) {
            ctx.cpuFigures(report, cpuMarks[0], cpuMarks[1]);
        }

        ctx.serverFigures(report, measuredAcks.get(), "acked send");

        // --- verification: read back every channel's log --------------------------------------------------
        Ctx.log("send: verifying %d acks against the stored logs", acks.size());
        long verifyStart = System.nanoTime();
        Map<String, List<Sends.Ack>> byChannel = acks.stream().collect(Collectors.groupingBy(Sends.Ack::channelId));
        LogVerifier.Result total = LogVerifier.Result.empty();
        long projectionWait = 0;
        int readBehind = 0;
        for (String channelId : channels) {
            List<Sends.Ack> channelAcks = byChannel.getOrDefault(channelId, List.of());
            long maxSeq = channelAcks.stream().mapToLong(Sends.Ack::seq).max().orElse(0);
            long w0 = System.nanoTime();
            if (client.awaitLastSeq(owner, channelId, maxSeq, PROJECTION_WAIT) < maxSeq) {
                readBehind++;
            }
            projectionWait = Math.max(projectionWait, System.nanoTime() - w0);
            total = total.plus(LogVerifier.verify(client.events(owner, channelId, -1), channelAcks, tag));
        }
        report.section("verification (events endpoint)");
        report.figure("eventsRead", "events read back", total.events());
        report.figure("ackedChecked", "distinct acked messages checked", total.acked());
        report.figure("lost", "lost (acked, not stored)", total.lost());
        report.figure("duplicated", "duplicated (stored more than once)", total.duplicated());
        report.figure("misplaced", "stored at another seq than acked", total.misplaced());
        report.figure("gaps", "seq gaps in the logs", total.gaps());
        report.figure("duplicateSeqs", "seqs listed twice", total.duplicateSeqs());
        report.figure("storedNotAcked", "stored but never acked (failed sends)", total.storedNotAcked());
        report.figure("verifySeconds", "verification time (s)", Ctx.round2((System.nanoTime() - verifyStart) / 1e9));
        report.figure("projectionWaitSeconds", "longest wait for a channel's projection to show its last ack (s)",
                Ctx.round2(projectionWait / 1e9));
        report.figure("readBehind", "channels read before their projection showed their last ack", readBehind);
        if (readBehind > 0) {
            report.note("the events endpoint reads the projections: in a channel read before they caught up, the acks"
                    + " they had not reached yet count as lost");
        }
        report.print();
        report.append(ctx.resultsDir, ctx.environment());
    }

    /**
     * Spreads senders over channels: with at least as many senders as channels, sender i posts to
     * channel i mod C; with fewer, sender i takes channels i, i+N, i+2N... in turn, so every channel is used.
     */
    static List<List<String>> assign(int senders, List<String> channels) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            List<String> mine = new ArrayList<>();
            if (senders >= channels.size()) {
                mine.add(channels.get(i % channels.size()));
            } else {
                for (int c = i; c < channels.size(); c += senders) {
                    mine.add(channels.get(c));
                }
            }
            out.add(mine);
        }
        return out;
    }
}
