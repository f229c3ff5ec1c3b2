package io.backchannel.bench;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's own view of a measured window, from {@code /actuator/prometheus}: for every timer
 * that ran in the window, how often and how long on average (so the ack latency can be split into
 * command handling, Mongo calls, HTTP...), the live delivery latency histogram if the server exposes
 * {@code backchannel_delivery_latency_seconds}, and the peak of {@code backchannel_projection_lag_events}.
 * Whatever the server does not expose is simply left out.
 */
final class ServerMetrics {

    private final Client client;
    private Map<String, Double> before;
    private Disposable poller;
    private final AtomicLong maxLag = new AtomicLong(-1);

    ServerMetrics(Client client) {
        this.client = client;
    }

    void start() {
        before = scrape();
        if (before.keySet().stream().noneMatch(k -> k.startsWith("backchannel_projection_lag_events"))) {
            return; // not exposed: no polling (a full scrape costs the server real CPU)
        }
        // one meter through the metrics endpoint, much cheaper than a full Prometheus scrape
        poller = Flux.interval(Duration.ofSeconds(1))
                .onBackpressureDrop()
                .concatMap(tick -> projectionLag(client).onErrorResume(e -> Mono.empty()), 1)
                .subscribe(lag -> maxLag.accumulateAndGet(lag.longValue(), Math::max), error -> { });
    }

    /** The server's projection lag in events, read through the metrics endpoint; empty if it has none. */
    private static Mono<Double> projectionLag(Client client) {
        return client.get("/actuator/metrics/backchannel.projection.lag", null)
                .filter(r -> r.status() == 200)
                .map(r -> r.json().path("measurements").path(0).path("value").asDouble());
    }

    /**
     * Waits (at most {@code limit}) until the projections have no backlog, so a measurement starts on a
     * settled server rather than in the wake of its own set-up. Returns the seconds waited, or -1 if the
     * server does not expose the lag.
     */
    static double awaitSettled(Client client, Duration limit) {
        long t0 = System.nanoTime();
        return Flux.interval(Duration.ZERO, Duration.ofMillis(500))
                .concatMap(tick -> projectionLag(client).defaultIfEmpty(-1.0), 1)
                .filter(lag -> lag <= 0)
                .next()
                .map(lag -> lag < 0 ? -1.0 : (System.nanoTime() - t0) / 1e9)
                .timeout(limit, Mono.fromCallable(() -> (System.nanoTime() - t0) / 1e9))
                .block();
    }

    private Map<String, Double> after;

    void stop() {
        if (poller != null) {
            poller.dispose();
        }
        after = scrape();
    }

    /**
     * Adds the window's figures to the report (call after {@link #stop()}), with the heap allocated for each of
     * {@code operations} (sends, deliveries) in it.
     */
    void figures(Report report, long operations, String operation) {
        if (before == null || after == null || after.isEmpty()) {
            return;
        }
        allocation(report, operations, operation);
        report.section("server timers in the window (from /actuator/prometheus)");
        List<Object[]> rows = new ArrayList<>();
        for (Map.Entry<String, Double> e : after.entrySet()) {
            String key = e.getKey();
            int brace = key.indexOf('{');
            String name = brace < 0 ? key : key.substring(0, brace);
            if (!name.endsWith("_seconds_count") || name.contains("_active_")) {
                continue;
            }
            String labels = brace < 0 ? "" : key.substring(brace);
            double count = e.getValue() - before.getOrDefault(key, 0.0);
            String sumKey = name.substring(0, name.length() - "_count".length()) + "_sum" + labels;
            double sum = after.getOrDefault(sumKey, 0.0) - before.getOrDefault(sumKey, 0.0);
            if (count >= 1) {
                rows.add(new Object[]{shortName(name.substring(0, name.length() - "_seconds_count".length()), labels), count, sum});
            }
        }
        rows.sort((a, b) -> Double.compare((double) b[2], (double) a[2]));
        Map<String, Object> json = new LinkedHashMap<>();
        for (Object[] row : rows.subList(0, Math.min(14, rows.size()))) {
            double count = (double) row[1];
            double sum = (double) row[2];
            report.row(String.valueOf(row[0]), String.format("n=%,.0f  mean %.2f ms  total %.1f s", count, sum / count * 1000, sum));
            json.put(String.valueOf(row[0]), Map.of("count", (long) count, "meanMs", Ctx.round2(sum / count * 1000)));
        }
        report.put("serverTimers", json);
        deliveryHistogram(report, after);
        if (maxLag.get() >= 0) {
            report.figure("maxProjectionLagEvents", "peak projection lag (events, polled 1/s)", maxLag.get());
        }
    }

    /**
     * Heap allocated in the window, from Micrometer's count of what each young collection found allocated
     * (so it moves in steps of a young generation, small next to a window's total).
     */
    private void allocation(Report report, long operations, String operation) {
        String name = "jvm_gc_memory_allocated_bytes_total";
        List<String> keys = after.keySet().stream().filter(key -> key.equals(name) || key.startsWith(name + "{")).toList();
        if (keys.isEmpty()) {
            return;
        }
        double bytes = keys.stream().mapToDouble(key -> after.get(key) - before.getOrDefault(key, 0.0)).sum();
        report.figure("allocatedMegabytes", "heap allocated in the window (MB)", Ctx.round2(bytes / 1e6));
        if (operations > 0) {
            report.figure("allocatedBytesPerOperation", "heap allocated per " + operation + " (bytes)", Math.round(bytes / operations));
        }
    }

    /** Server-side p50/p99 (as bucket bounds) of event stored -> frame written, for the window. */
    private void deliveryHistogram(Report report, Map<String, Double> after) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (Map.Entry<String, Double> e : after.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("backchannel_delivery_latency_seconds_bucket{")) {
                continue;
            }
            int le = key.indexOf("le=\"");
            if (le < 0) {
                continue;
            }
            String bound = key.substring(le + 4, key.indexOf('"', le + 4));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            buckets.merge(upper, e.getValue() - before.getOrDefault(key, 0.0), Double::sum);
        }
        if (buckets.isEmpty()) {
            return;
        }
        double total = buckets.lastEntry().getValue();
        if (total < 1) {
            return;
        }
        report.figure("serverDeliveryP50", "server delivery latency p50 (stored -> written, bucket bound)", bound(buckets, total * 0.5));
        report.figure("serverDeliveryP99", "server delivery latency p99 (bucket bound)", bound(buckets, total * 0.99));
        report.figure("serverDeliveries", "server-side live deliveries counted", (long) total);
    }

    private static String bound(TreeMap<Double, Double> cumulative, double rank) {
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                return e.getKey().isInfinite() ? "> last bucket" : "<= " + (e.getKey() * 1000) + " ms";
            }
        }
        return "?";
    }

    private static String shortName(String name, String labels) {
        StringBuilder out = new StringBuilder(name);
        Map<String, String> kept = new LinkedHashMap<>();
        for (String pair : labels.replaceAll("^\\{|}$", "").split(",(?=[a-zA-Z_]+=\")")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = pair.substring(0, eq);
            String v = pair.substring(eq + 1).replace("\"", "");
            if (List.of("payloadType", "command", "collection", "uri", "method", "status", "name", "pool", "processor").contains(k)) {
                kept.put(k, v);
            }
        }
        if (!kept.isEmpty()) {
            out.append(kept);
        }
        return out.toString();
    }

    private Map<String, Double> scrape() {
        try {
            Client.Resp r = client.get("/actuator/prometheus", null).block(Duration.ofSeconds(15));
            return r == null || r.status() != 200 ? Map.of() : parse(r.body());
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            try {
                out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException e) {
                // skip
            }
        }
        return out;
    }
}
