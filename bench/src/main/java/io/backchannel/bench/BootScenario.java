package io.backchannel.bench;

import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 4, the boot payload (Flannel): one team with C channels grows to U users (100, 1,000,
 * 10,000 by default); at each size the boot of sample users is measured (payload bytes, latency),
 * then the rebuild-per-request path ({@code ?mode=rebuild}) if the server offers it.
 */
final class BootScenario {

    private BootScenario() {
    }

    static void run(Ctx ctx) {
        Options o = ctx.options;
        List<Integer> sizes = o.integers("boot-users").stream().sorted().toList();
        int channelCount = Math.max(1, o.integer("boot-channels"));
        int joins = o.integer("boot-joins");
        int messageCount = o.integer("boot-messages");
        int samples = o.integer("boot-samples");
        int requests = o.integer("boot-requests");
        int rebuildRequests = o.integer("boot-rebuild-requests");
        int warmup = o.integer("boot-warmup");
        int concurrency = o.integer("boot-concurrency");
        Client client = ctx.client;

        Client.User owner = client.signUp(ctx.username("boot-owner", 0)).block();
        String teamId = client.createTeam(owner, "boot-" + ctx.runId).block();
        Client.Resp probe = client.get("/api/teams/" + teamId + "/boot", owner.token()).block();
        if (probe.status() != 200) {
            Report report = new Report("boot", "boot payload (Flannel)");
            report.param("teamSizes", sizes).param("channels", channelCount);
            report.figure("skipped", "skipped", "GET /api/teams/{teamId}/boot answered HTTP " + probe.status());
            report.note("the boot endpoint is not there yet (" + Client.abbreviate(probe.json().path("detail").asText(probe.body()))
                    + "); nothing measured");
            report.print();
            report.append(ctx.resultsDir, ctx.environment());
            System.out.println("boot: the server does not offer GET /api/teams/{teamId}/boot yet (HTTP " + probe.status()
                    + "); skipped.");
            return;
        }

        // --- the team: C channels (general is one), some messages -------------------------------------------
        Ctx.log("boot: creating %d channels and posting %d messages", channelCount - 1, messageCount);
        List<String> channels = new ArrayList<>();
        channels.add(null); // general: its id is learnt from the boot payload
        channels.addAll(Client.parallel(channelCount - 1, ctx.setupConcurrency,
                i -> client.createChannel(owner, teamId, "c" + i), ctx.setupTimeout));
        String general = generalId(client.get("/api/teams/" + teamId + "/boot", owner.token()).block());
        channels.set(0, general);
        List<String> known = channels.stream().filter(c -> c != null).toList();
        Sends sends = new Sends(client);
        Client.parallel(messageCount, ctx.setupConcurrency, i -> sends.send(owner, known.get(i % known.size()),
                ctx.runId + "-b" + i, "boot message " + i).thenReturn(i), ctx.setupTimeout);

        List<Client.User> users = new ArrayList<>();
        for (int size : sizes) {
            int missing = size - users.size();
            if (missing > 0) {
                Ctx.log("boot: growing the team to %d users", size);
                List<Client.User> added = ctx.signUpMany("boot-u", users.size(), missing);
                ctx.joinTeamMany(added, teamId);
                if (joins > 0 && known.size() > 1) {
                    List<String[]> pairs = new ArrayList<>();
                    for (Client.User u : added) {
                        for (int j = 0; j < joins; j++) {
                            pairs.add(new String[]{u.token(), u.userId(),
                                    known.get(1 + ThreadLocalRandom.current().nextInt(known.size() - 1))});
                        }
                    }
                    long t0 = System.nanoTime();
                    Client.parallel(pairs.size(), ctx.setupConcurrency,
                            i -> client.joinChannel(new Client.User(pairs.get(i)[1], "", pairs.get(i)[0]), pairs.get(i)[2])
                                    .thenReturn(i), ctx.setupTimeout);
                    Ctx.log("boot: %d channel joins in %.1f s", pairs.size(), (System.nanoTime() - t0) / 1e9);
                }
                users.addAll(added);
            }
            List<Client.User> sample = new ArrayList<>();
            sample.add(owner);
            for (int i = 0; sample.size() < Math.max(1, samples) && i < users.size(); i++) {
                sample.add(users.get((int) ((long) i * users.size() / Math.max(1, samples))));
            }
            Report report = new Report("boot", "boot payload: " + size + " users, " + channelCount + " channels");
            report.param("users", size).param("channels", channelCount).param("joinsPerUser", joins)
                    .param("messages", messageCount).param("sampleUsers", sample.size()).param("requests", requests).param("rebuildRequests", rebuildRequests)
                    .param("concurrency", concurrency);
            double settled = ServerMetrics.awaitSettled(client, Duration.ofMinutes(3));
            Ctx.log("boot: projections settled after %.1f s", settled);
            ctx.profiled("boot-" + size, report, () -> {
                measure(client, teamId, sample, warmup, requests, concurrency, "", report, "boot", "cached boot");
                return null;
            });
            measure(client, teamId, sample, 1, rebuildRequests, concurrency, "?mode=rebuild", report, "rebuild",
                    "rebuild per request (?mode=rebuild)");
            report.print();
            report.append(ctx.resultsDir, ctx.environment());
        }
    }

    private static void measure(Client client, String teamId, List<Client.User> sample, int warmup, int requests,
                                int concurrency, String query, Report report, String key, String label) {
        report.section(label);
        // the first of the unmeasured rounds (they warm caches and both JITs) checks the mode is offered
        Client.Resp first = client.get("/api/teams/" + teamId + "/boot" + query, sample.get(0).token()).block();
        if (first.status() != 200) {
            report.figure(key + "Skipped", "not offered", "HTTP " + first.status());
            return;
        }
        String version = first.json().path("version").asText();
        if (!query.isEmpty() && !"rebuilt".equals(version)) {
            // the server ignores mode=rebuild unless started with backchannel.boot.rebuild-endpoint=true
            report.figure(key + "Skipped", "not offered", "answered from the cache (version " + version
                    + "); start the server with --backchannel.boot.rebuild-endpoint=true");
            return;
        }
        int channelsSeen = 0;
        for (Client.User user : sample) {
            channelsSeen = Math.max(channelsSeen,
                    client.get("/api/teams/" + teamId + "/boot" + query, user.token()).block().json().path("channels").size());
        }
        Flux.range(1, Math.max(0, warmup - 1))
                .flatMap(i -> client.get("/api/teams/" + teamId + "/boot" + query, sample.get(i % sample.size()).token()),
                        Math.max(1, concurrency))
                .then()
                .block(Duration.ofMinutes(5));
        Histogram latency = Report.histogram();
        AtomicLong minBytes = new AtomicLong(Long.MAX_VALUE);
        AtomicLong maxBytes = new AtomicLong();
        AtomicLong totalBytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long t0 = System.nanoTime();
        Flux.range(0, requests)
                .flatMap(i -> {
                    Client.User user = sample.get(i % sample.size());
                    long start = System.nanoTime();
                    return client.getSize("/api/teams/" + teamId + "/boot" + query, user.token())
                            .doOnNext(r -> {
                                if (r.status() != 200) {
                                    errors.incrementAndGet();
                                    return;
                                }
                                Report.record(latency, System.nanoTime() - start);
                                minBytes.accumulateAndGet(r.bytes(), Math::min);
                                maxBytes.accumulateAndGet(r.bytes(), Math::max);
                                totalBytes.addAndGet(r.bytes());
                            });
                }, Math.max(1, concurrency))
                .then()
                .block(Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - t0) / 1e9;
        long ok = latency.getTotalCount();
        report.figure(key + "BytesMin", "payload bytes (min)", ok == 0 ? 0 : minBytes.get());
        report.figure(key + "BytesMax", "payload bytes (max)", maxBytes.get());
        report.figure(key + "BytesMean", "payload bytes (mean)", ok == 0 ? 0 : totalBytes.get() / ok);
        report.figure(key + "Channels", "channels in a payload (most, over the sample users)", channelsSeen);
        report.latency(key + "Latency", "latency", latency);
        report.figure(key + "PerSecond", "boots/s at concurrency " + concurrency, Ctx.round2(ok / seconds));
        report.figure(key + "Errors", "non-200 answers", errors.get());
    }

    private static String generalId(Client.Resp boot) {
        for (var channel : boot.json().path("channels")) {
            if ("general".equals(channel.path("name").asText())) {
                return channel.path("channelId").asText();
            }
        }
        return null;
    }
}
