package io.backchannel.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time per thread of the server process over a window, from Linux's {@code /proc/<pid>/task/*}
 * (thread name and utime+stime), grouped by name with numbers stripped: shows how much goes to the
 * JIT compilers, GC, event loops, the bounded-elastic pool, the projections... Empty where /proc is absent.
 */
final class ThreadCpu {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    private ThreadCpu() {
    }

    /** thread id -> {name, ticks}. */
    static Map<String, Object[]> snapshot(long pid) {
        Map<String, Object[]> out = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return out;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    out.put(task.getFileName().toString(), new Object[]{name, ticks});
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** Cores busy per thread group between two snapshots, largest first. */
    static Map<String, Double> diff(Map<String, Object[]> before, Map<String, Object[]> after, long windowNanos) {
        Map<String, Double> groups = new HashMap<>();
        double seconds = windowNanos / 1e9;
        after.forEach((tid, now) -> {
            Object[] then = before.get(tid);
            long ticks = (long) now[1] - (then == null ? 0 : (long) then[1]);
            if (ticks > 0) {
                groups.merge(group((String) now[0]), ticks / TICKS_PER_SECOND / seconds, Double::sum);
            }
        });
        Map<String, Double> out = new LinkedHashMap<>();
        groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
                .forEach(e -> out.put(e.getKey(), Ctx.round2(e.getValue())));
        return out;
    }

    /** Linux truncates thread names to 15 characters: "reactor-http-ep", "boundedElastic-", "C2 CompilerThre". */
    static String group(String name) {
        String g = name.replaceAll("[-#]?\\d+$", "").replaceAll("-\\d+-", "-N-");
        return g.isEmpty() ? name : g;
    }
}
