package io.backchannel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server memory held per idle stream connection (issue target: at most 30 KB of heap per idle
 * WebSocket): live heap after a full GC and the process's resident set, before and with N idle streams
 * open, and which classes the heap growth is made of. Needs the server's pid (jcmd, /proc), so it runs
 * only against a server the bench started itself.
 */
final class IdleScenario {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    /** A row of GC.class_histogram: "  12:   3456   78901  java.lang.Foo (java.base@17)". */
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);
    private static final int TOP_CLASSES = 25;

    /** One class's live instances and their bytes. */
    private record Live(long instances, long bytes) {
        private static final Live NONE = new Live(0, 0);

        Live minus(Live other) {
            return new Live(instances - other.instances, bytes - other.bytes);
        }
    }

    private IdleScenario() {
    }

    static void run(Ctx ctx) {
        Options o = ctx.options;
        int count = o.integer("idle-connections");
        String transportName = o.string("transport");
        int subUsers = o.subscriberUsers(count);
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
        long rssBefore = rssKb(ctx);
        Map<String, Live> classesBefore = classHistogram(ctx);
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
            // a subscribed stream first reads the channel's missed range: measure once that work is done
            long with = settledHeapKb(ctx);
            long open = subscribers.count(Subscriber::isOpen);
            long rssWith = rssKb(ctx);
            Map<String, Live> classesWith = classHistogram(ctx);
            subscribers.dropAll();
            long after = settledHeapKb(ctx);
            report.figure("open", "idle streams open", open);
            report.figure("heapBeforeKb", "live heap before (KB)", before);
            report.figure("heapWithKb", "live heap with them open (KB)", with);
            report.figure("heapAfterCloseKb", "live heap after closing them (KB)", after);
            double perConnection = open == 0 ? 0 : (with - before) * 1024.0 / open;
            report.figure("heapPerConnectionBytes", "server heap per idle stream (bytes)", Math.round(perConnection));
            report.figure("rssBeforeKb", "resident set before (KB)", rssBefore);
            report.figure("rssWithKb", "resident set with them open (KB)", rssWith);
            report.figure("rssPerConnectionBytes", "server RSS per idle stream (bytes)",
                    open == 0 ? 0 : Math.round((rssWith - rssBefore) * 1024.0 / open));
            if (open > 0) {
                topClasses(report, ctx, classesBefore, classesWith, open);
            }
            report.note("live heap = G1 'used' after jcmd GC.run, twice; includes every per-connection object "
                    + "(Netty channel and buffers, the reactive pipeline, the feed subscription, security context)");
            report.note("RSS = VmRSS of the server process; it also counts heap that G1 commits while the "
                    + "connections open, so it follows G1's sizing; with a fixed, pre-touched heap (-Xms1g -Xmx1g "
                    + "-XX:+AlwaysPreTouch, each a --server-jvm-arg) its growth is the memory outside the heap");
        } finally {
            subscribers.dropAll();
        }
        report.print();
        report.append(ctx.resultsDir, ctx.environment());
    }

    /**
     * The classes whose live instances grew most with the connections open, per connection: the top ones
     * in the report, every one in a file beside the results.
     */
    private static void topClasses(Report report, Ctx ctx, Map<String, Live> before, Map<String, Live> with,
                                   long open) {
        Map<String, Live> growth = new HashMap<>();
        with.forEach((name, live) -> growth.put(name, live.minus(before.getOrDefault(name, Live.NONE))));
        List<Map.Entry<String, Live>> sorted = growth.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Live> e) -> e.getValue().bytes()).reversed())
                .toList();
        report.section("top classes per connection (bytes, instances)");
        Map<String, Object> json = new LinkedHashMap<>();
        StringBuilder all = new StringBuilder("bytes/connection instances/connection class\n");
        for (int i = 0; i < sorted.size(); i++) {
            Map.Entry<String, Live> e = sorted.get(i);
            double bytes = e.getValue().bytes() / (double) open;
            double instances = e.getValue().instances() / (double) open;
            all.append(String.format("%8.0f %8.2f %s%n", bytes, instances, e.getKey()));
            if (i < TOP_CLASSES) {
                report.row("  " + e.getKey(), String.format("%.0f B, %.2f", bytes, instances));
                json.put(e.getKey(), Math.round(bytes));
            }
        }
        report.put("topClassBytesPerConnection", json);
        Path file = ctx.resultsDir.resolve("idle-classes-" + ctx.runId + ".txt");
        try {
            Files.createDirectories(ctx.resultsDir);
            Files.writeString(file, all);
            report.note("live heap growth of every class, per connection: " + file);
        } catch (IOException e) {
            report.note("could not write " + file + ": " + e);
        }
    }

    /** Live instances and bytes by class (GC.class_histogram collects first). */
    private static Map<String, Live> classHistogram(Ctx ctx) {
        Map<String, Live> classes = new HashMap<>();
        Matcher m = HISTOGRAM_ROW.matcher(Jfr.jcmdOutput(ctx.server.pid(), "GC.class_histogram"));
        while (m.find()) {
            classes.put(m.group(3), new Live(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
        }
        return classes;
    }

    private static long rssKb(Ctx ctx) {
        try {
            Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(ctx.server.pid()), "status")));
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
            throw new BenchException("no VmRSS in /proc/" + ctx.server.pid() + "/status");
        } catch (IOException e) {
            throw new BenchException("cannot read the server's resident set: " + e);
        }
    }

    /** Live heap once it stops moving (within 1% over 3 s), or after a minute. */
    private static long settledHeapKb(Ctx ctx) {
        long previous = liveHeapKb(ctx);
        for (int i = 0; i < 20; i++) {
            Client.sleep(3_000);
            long now = liveHeapKb(ctx);
            if (Math.abs(now - previous) <= previous / 100) {
                return now;
            }
            previous = now;
        }
        return previous;
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
