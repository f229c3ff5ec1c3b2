package io.backchannel.bench;

import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Scenario 3, reconnect storm: K subscribers follow one channel (live, for a few messages), all drop, P
 * messages are posted while they are away, and all reconnect at once with {@code Last-Event-ID}. Reports
 * the time until every subscriber has caught up, and gaps and duplicates (which must be 0).
 */
final class ReconnectScenario {

    private ReconnectScenario() {
    }

    static void run(Ctx ctx) {
        Options o = ctx.options;
        int subscriberCount = o.integer("reconnect-subscribers");
        int rounds = o.integer("reconnect-rounds");
        int publisherCount = o.integer("publishers");
        int subUsers = o.subscriberUsers(subscriberCount);
        String transportName = o.string("transport");

        Client client = ctx.client;
        Ctx.log("reconnect: setting up %d subscriber users and %d publishers", subUsers, publisherCount);
        Client.User owner = client.signUp(ctx.username("rc-owner", 0)).block();
        String teamId = client.createTeam(owner, "reconnect-" + ctx.runId).block();
        String channelId = client.createChannel(owner, teamId, "storm").block();
        List<Client.User> publishers = ctx.signUpMany("rc-p", publisherCount);
        ctx.joinTeamMany(publishers, teamId);
        Client.parallel(publishers.size(), ctx.setupConcurrency, i -> client.joinChannel(publishers.get(i), channelId).thenReturn(i),
                ctx.setupTimeout);
        List<Client.User> subUserList = ctx.signUpMany("rc-u", subUsers);
        ctx.joinTeamMany(subUserList, teamId);
        long baseSeq = client.lastSeq(owner, channelId).block();

        StreamTransport transport = StreamTransport.of(transportName, ctx.url);
        Subscribers subscribers = new Subscribers(subscriberCount, channelId, subUserList, transport, baseSeq, null);
        try {
            Ctx.log("reconnect: opening %d %s streams", subscriberCount, transportName);
            long c0 = System.nanoTime();
            long failed = subscribers.connect(o.integer("connect-concurrency"), baseSeq, false, ctx.setupTimeout);
            Report report = report(ctx, 1, rounds);
            report.section("before the storm");
            report.figure("connected", "streams open", (long) subscriberCount - failed);
            report.figure("connectSeconds", "time to open them (ramped, s)", Ctx.round2((System.nanoTime() - c0) / 1e9));
            if (failed == subscriberCount) {
                report.note("no stream could be opened: " + subscribers.firstError());
                report.print();
                report.append(ctx.resultsDir, ctx.environment());
                throw new BenchException("reconnect: no " + transportName + " stream could be opened: " + subscribers.firstError());
            }
            int live = o.integer("reconnect-live");
            if (live > 0) {
                followLive(ctx, report, client, owner, channelId, publishers, subscribers, live);
            }
            for (int round = 1; round <= rounds; round++) {
                storm(ctx, round, round == 1 ? report : report(ctx, round, rounds), client, owner, channelId, publishers, subscribers);
            }
        } finally {
            subscribers.dropAll();
        }
    }

    /**
     * Before the first drop, the subscribers follow the channel while messages are posted, as users do before a
     * network blip: the server meets the storm having delivered to them live, as a server in use has. What only
     * catching up does (reading the log's pages, framing them) is not done here.
     */
    private static void followLive(Ctx ctx, Report report, Client client, Client.User owner, String channelId,
                                   List<Client.User> publishers, Subscribers subscribers, int messages) {
        Ctx.log("reconnect: posting %d messages to the %d open streams", messages, subscribers.all.size());
        long l0 = System.nanoTime();
        Posted posted = post(ctx, new Sends(client), publishers, channelId, messages, "live");
        client.awaitLastSeq(owner, channelId, posted.lastSeq(), Duration.ofSeconds(60));
        long complete = subscribers.awaitComplete(posted.lastSeq(), ctx.options.duration("catchup-timeout"));
        report.figure("liveMessages", "messages followed live before the first drop", (long) posted.acked());
        report.figure("liveComplete", "subscribers given every one of them", complete);
        report.figure("liveSeconds", "time to post and deliver them (s)", Ctx.round2((System.nanoTime() - l0) / 1e9));
    }

    private record Posted(int acked, long lastSeq) {
    }

    /** Posts {@code messages} to the channel, spread over the publishers. */
    private static Posted post(Ctx ctx, Sends sends, List<Client.User> publishers, String channelId, int messages,
                               String batch) {
        int publisherCount = publishers.size();
        int textSize = ctx.options.integer("text-size");
        ConcurrentLinkedQueue<Sends.Ack> acks = new ConcurrentLinkedQueue<>();
        Flux.range(0, publisherCount)
                .flatMap(p -> Flux.range(0, messages / publisherCount + (p < messages % publisherCount ? 1 : 0))
                        .concatMap(j -> {
                            String clientMsgId = ctx.runId + "-" + batch + "-" + p + "-" + j;
                            return sends.send(publishers.get(p), channelId, clientMsgId, Sends.text(textSize, clientMsgId));
                        })
                        .doOnNext(acks::add), publisherCount)
                .then()
                .block(ctx.setupTimeout);
        long lastSeq = acks.stream().mapToLong(Sends.Ack::seq).max()
                .orElseThrow(() -> new BenchException("reconnect: no message was acked"));
        return new Posted(acks.size(), lastSeq);
    }

    /**
     * One storm: every subscriber drops, the messages are posted, and all resume at once. The first round
     * meets a server whose JIT has not yet compiled the catch-up path, as a freshly started one; a server that
     * meets a storm in production has usually been running for hours, as the later rounds' has.
     */
    private static void storm(Ctx ctx, int round, Report report, Client client, Client.User owner, String channelId,
                              List<Client.User> publishers, Subscribers subscribers) {
        Options o = ctx.options;
        int messages = o.integer("messages");
        int subscriberCount = subscribers.all.size();
        Duration catchupTimeout = o.duration("catchup-timeout");
        Client.sleep(1_000);
        subscribers.dropAll();
        Ctx.log("reconnect: all dropped; posting %d messages", messages);

        Sends sends = new Sends(client);
        long p0 = System.nanoTime();
        Posted posted = post(ctx, sends, publishers, channelId, messages, "r" + round);
        long lastSeq = posted.lastSeq();
        double postSeconds = (System.nanoTime() - p0) / 1e9;
        long w0 = System.nanoTime();
        client.awaitLastSeq(owner, channelId, lastSeq, Duration.ofSeconds(60));
        double projectionWait = (System.nanoTime() - w0) / 1e9;
        report.figure("posted", "messages acked while away", (long) posted.acked());
        report.figure("postRate", "post rate (acks/s)", Ctx.round2(posted.acked() / postSeconds));
        report.figure("projectionWait", "wait for projections after the last ack (s)", Ctx.round2(projectionWait));
        sends.figures(report);
        Client.sleep(500);

        // --- the storm: everyone resumes at once ---------------------------------------------------------
        subscribers.all.forEach(s -> s.target(lastSeq));
        Ctx.log("reconnect: %d subscribers resume at once (up to seq %d)", subscriberCount, lastSeq);
        long[][] cpu = new long[2][];
        long[] storm = new long[2];
        long deliveredBefore = subscribers.sum(s -> s.tracker().received());
        ctx.profiled("reconnect", report, () -> {
            cpu[0] = ctx.cpu();
            storm[0] = System.nanoTime();
            for (Subscriber s : subscribers.all) {
                s.connect(s.tracker().resumeFrom(), true);
            }
            storm[1] = System.nanoTime();
            subscribers.awaitComplete(lastSeq, catchupTimeout);
            cpu[1] = ctx.cpu();
            return null;
        });
        long t0 = storm[0];
        Histogram catchUp = Report.histogram();
        Histogram open = Report.histogram();
        long caughtUp = 0;
        long latest = 0;
        for (Subscriber s : subscribers.all) {
            if (s.caughtUpAt() > 0) {
                caughtUp++;
                Report.record(catchUp, s.caughtUpAt() - t0);
                latest = Math.max(latest, s.caughtUpAt() - t0);
            }
            if (s.openedAt() > t0) {
                Report.record(open, s.openedAt() - t0);
            }
        }
        report.section("the storm");
        report.figure("caughtUp", "subscribers caught up", caughtUp);
        report.figure("allCaughtUpSeconds", caughtUp == subscriberCount ? "time until all caught up (s)"
                : "NOT all caught up within (s)", caughtUp == subscriberCount ? Ctx.round2(latest / 1e9)
                : Ctx.round2(catchupTimeout.toMillis() / 1000.0));
        report.latency("catchUp", "per-subscriber catch-up time", catchUp);
        report.latency("reopen", "per-subscriber time to reopen", open);
        report.figure("fireSeconds", "time to issue all reconnects (s)", Ctx.round2((storm[1] - storm[0]) / 1e9));
        long delivered = subscribers.sum(s -> s.tracker().received()) - deliveredBefore;
        report.figure("deliveries", "events delivered", delivered);
        if (latest > 0) {
            report.figure("deliveriesPerSecond", "events delivered/s during catch-up", Ctx.round2(delivered / (latest / 1e9)));
        }
        if (cpu[0] != null && cpu[1] != null) {
            ctx.cpuFigures(report, cpu[0], cpu[1]);
        }
        subscribers.integrityFigures(report, lastSeq);
        ctx.serverFigures(report, delivered, "delivery");
        report.print();
        report.append(ctx.resultsDir, ctx.environment());
    }

    private static Report report(Ctx ctx, int round, int rounds) {
        Options o = ctx.options;
        int subscribers = o.integer("reconnect-subscribers");
        String title = "reconnect storm: " + subscribers + " " + o.string("transport")
                + " subscribers resume after " + o.integer("messages") + " messages";
        return new Report("reconnect", rounds == 1 ? title : title + ", round " + round + " of " + rounds)
                .param("subscribers", subscribers)
                .param("subscriberUsers", o.subscriberUsers(subscribers))
                .param("messages", o.integer("messages"))
                .param("publishers", o.integer("publishers")).param("transport", o.string("transport"))
                .param("round", round).param("rounds", rounds);
    }
}
