package io.backchannel.bench;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server heap held per idle stream connection (issue target: at most 30 KB per idle WebSocket):
 * live heap after a full GC, before and after opening N idle streams. Needs the server's pid (jcmd),
 * so it runs only against a server the bench started itself.
 */
final class IdleScenario {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private IdleScenario() {
    }

    static void run(Ctx ctx) {
        Options o = ctx.options;
        int count = o.integer("idle-connections");
        String transportName = o.string("transport");
        int subUsers = o.integer("sub-users") > 0 ? Math.min(o.integer("sub-users"), count) : count;
        Report report = new Report("idle", "idle connections: server heap per idle " + transportName + " stream");
        boolean subscribe = o.bool("idle-subscribe") || !transportName.equals("ws");
        report.param("connections", count).param("subscriberUsers", subUsers).param("transport", transportName)
                .param("subscribed", subscribe);
        if (!ctx.ownsServer()) {
            report.note("skipped: measuring the server's live heap needs jcmd on a server the bench started (no --url)");
            report.print();
            report.append(ctx.resultsDir, ctx.environment());
            return;
        }
        Client client = ctx.client;
        Client.User owner = client.signUp(ctx.username("idle-owner", 0)).block();
        String teamId = client.createTeam(owner, "idle-" + ctx.runId).block();
        String channelId = client.createChannel(owner, teamId, "idle").block();
        List<Client.User> users = ctx.signUpMany("idle-u", subUsers);
        ctx.joinTeamMany(users, teamId);
        long baseSeq = client.lastSeq(owner, channelId).block();
        // one stream opened and closed first, so that classes and per-channel state exist before the baseline
        Subscribers warm = new Subscribers(1, channelId, users, StreamTransport.of(transportName, ctx.url), baseSeq, null);
        warm.connect(1, baseSeq, false, ctx.setupTimeout);
        warm.dropAll();
        Client.sleep(1_000);

        long before = liveHeapKb(ctx);
        StreamTransport transport = StreamTransport.of(transportName, ctx.url);
        Subscribers subscribers = new Subscribers(count, subscribe ? channelId : null, users, transport, baseSeq, null);
        try {
            long failed = subscribers.connect(o.integer("connect-concurrency"), baseSeq, false, ctx.setupTimeout);
            if (failed == count) {
                report.note("no stream could be opened: " + subscribers.firstError());
                report.print();
                report.append(ctx.resultsDir, ctx.environment());
                throw new BenchException("idle: no " + transportName + " stream could be opened: " + subscribers.firstError());
            }
            Client.sleep(2_000);
            long open = subscribers.count(Subscriber::isOpen);
            long with = liveHeapKb(ctx);
            subscribers.dropAll();
            Client.sleep(2_000);
            long after = liveHeapKb(ctx);
            report.figure("open", "idle streams open", open);
            report.figure("heapBeforeKb", "live heap before (KB)", before);
            report.figure("heapWithKb", "live heap with them open (KB)", with);
            report.figure("heapAfterCloseKb", "live heap after closing them (KB)", after);
            double perConnection = open == 0 ? 0 : (with - before) * 1024.0 / open;
            report.figure("heapPerConnectionBytes", "server heap per idle stream (bytes)", Math.round(perConnection));
            report.note("live heap = G1 'used' after jcmd GC.run, twice; includes every per-connection object "
                    + "(Netty channel and buffers, the reactive pipeline, the feed subscription, security context)");
        } finally {
            subscribers.dropAll();
        }
        report.print();
        report.append(ctx.resultsDir, ctx.environment());
    }

    private static long liveHeapKb(Ctx ctx) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            Jfr.jcmdOutput(ctx.server.pid(), "GC.run");
            Client.sleep(300);
            Matcher m = USED.matcher(Jfr.jcmdOutput(ctx.server.pid(), "GC.heap_info"));
            if (m.find()) {
                used = Math.min(used, Long.parseLong(m.group(1)));
            }
        }
        if (used == Long.MAX_VALUE) {
            throw new BenchException("could not read the server's heap through jcmd GC.heap_info");
        }
        return used;
    }
}
