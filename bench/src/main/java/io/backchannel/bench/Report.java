package io.backchannel.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scenario's figures: a small table for people and one JSON line for machines. */
final class Report {

    /** Latencies are recorded in microseconds, up to ten minutes, with three significant digits. */
    static Histogram histogram() {
        return new org.HdrHistogram.ConcurrentHistogram(600_000_000L, 3);
    }

    static void record(Histogram h, long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        h.recordValue(Math.min(micros, h.getHighestTrackableValue()));
    }

    private final String scenario;
    private final String title;
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Report(String scenario, String title) {
        this.scenario = scenario;
        this.title = title;
    }

    Report param(String key, Object value) {
        params.put(key, value);
        return this;
    }

    /** A figure shown in the table and stored in the JSON line under {@code key}. */
    Report figure(String key, String label, Object value) {
        results.put(key, value);
        rows.add(new String[]{label, format(value)});
        return this;
    }

    /** Stored in JSON only. */
    Report put(String key, Object value) {
        results.put(key, value);
        return this;
    }

    /** A table row only. */
    Report row(String label, String value) {
        rows.add(new String[]{label, value});
        return this;
    }

    Report section(String label) {
        rows.add(new String[]{"-- " + label, ""});
        return this;
    }

    Report note(String note) {
        notes.add(note);
        return this;
    }

    /** p50, p99, max (and mean, count) of a latency histogram in milliseconds. */
    Report latency(String key, String label, Histogram live) {
        // A copy: late receipts may still be recorded into the live one while it is read.
        Histogram h = live.copy();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", h.getTotalCount());
        json.put("p50Ms", ms(h.getValueAtPercentile(50)));
        json.put("p99Ms", ms(h.getValueAtPercentile(99)));
        json.put("p999Ms", ms(h.getValueAtPercentile(99.9)));
        json.put("maxMs", ms(h.getMaxValue()));
        json.put("meanMs", ms((long) h.getMean()));
        results.put(key, json);
        if (h.getTotalCount() == 0) {
            rows.add(new String[]{label, "no samples"});
        } else {
            rows.add(new String[]{label, String.format("p50 %s  p99 %s  max %s ms  (n=%d)",
                    fmt(ms(h.getValueAtPercentile(50))), fmt(ms(h.getValueAtPercentile(99))), fmt(ms(h.getMaxValue())),
                    h.getTotalCount())});
        }
        return this;
    }

    static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    private static String fmt(double ms) {
        return ms >= 100 ? String.format("%.0f", ms) : ms >= 10 ? String.format("%.1f", ms) : String.format("%.2f", ms);
    }

    private static String format(Object value) {
        if (value instanceof Double d) {
            return Math.abs(d) >= 100 ? String.format("%,.0f", d) : String.format("%.2f", d);
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format("%,d", ((Number) value).longValue());
        }
        return String.valueOf(value);
    }

    void print() {
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        System.out.println();
        System.out.println("== " + title + " ==");
        params.forEach((k, v) -> System.out.printf("   %s=%s%n", k, v));
        for (String[] row : rows) {
            if (row[0].startsWith("-- ")) {
                System.out.println("  " + row[0]);
            } else {
                System.out.printf("  %-" + width + "s  %s%n", row[0], row[1]);
            }
        }
        notes.forEach(n -> System.out.println("  note: " + n));
        System.out.println();
    }

    void append(Path dir, Map<String, Object> environment) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("scenario", scenario);
        line.put("title", title);
        line.put("at", Instant.now().toString());
        line.put("environment", environment);
        line.put("params", params);
        line.put("results", results);
        if (!notes.isEmpty()) {
            line.put("notes", notes);
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("results.jsonl"), Client.write(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("could not append to " + dir + ": " + e.getMessage());
        }
    }
}
