package io.backchannel.bench;

import com.sun.tools.attach.VirtualMachine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * async-profiler attached to the child server for a measured window (its jar, a dependency of the bench,
 * carries the native library). It samples every thread's CPU time, native frames included: JFR's execution
 * samples see only threads running Java code, so the socket writes and the JIT compiler's own work, each a
 * large share of fan-out's CPU, were invisible to it. {@code itimer} sampling needs no perf_events
 * permission. The collapsed stacks (one line per stack, thread first) go to the results directory and are
 * summarised here: CPU by thread group, and the hottest frames.
 */
final class AsyncProfiler {

    private static final String INTERVAL = "2ms";

    private AsyncProfiler() {
    }

    static void start(long pid) {
        load(pid, "start,event=itimer,threads,interval=" + INTERVAL);
    }

    static void stop(long pid, Path collapsed) {
        load(pid, "stop,collapsed,file=" + collapsed.toAbsolutePath());
    }

    private static void load(long pid, String command) {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                vm.loadAgentPath(library().toString(), command);
            } finally {
                vm.detach();
            }
        } catch (Exception e) {
            System.out.println("async-profiler " + command + " failed: " + e);
        }
    }

    private static Path library() throws IOException {
        String arch = System.getProperty("os.arch").contains("aarch64") ? "linux-arm64" : "linux-x64";
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "bench-libasyncProfiler-" + arch + ".so");
        try (InputStream in = AsyncProfiler.class.getResourceAsStream("/" + arch + "/libasyncProfiler.so")) {
            if (in == null) {
                throw new IOException("no async-profiler library for " + arch + " in the bench jar");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** Shares of the samples: by thread group (digits dropped from thread names), then by top frame. */
    static Map<String, Object> summarise(Path collapsed, int top) throws IOException {
        Map<String, Long> byThread = new TreeMap<>();
        Map<String, Long> byFrame = new TreeMap<>();
        long total = 0;
        for (String line : Files.readAllLines(collapsed)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1));
            String[] frames = line.substring(0, space).split(";");
            total += samples;
            byThread.merge(threadGroup(frames[0]), samples, Long::sum);
            byFrame.merge(frames[frames.length - 1], samples, Long::sum);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("samples", total);
        summary.put("byThreadGroup", shares(byThread, total, top));
        summary.put("topFrames", shares(byFrame, total, top));
        return summary;
    }

    static void print(Map<String, Object> summary) {
        System.out.printf("async-profiler: %d CPU samples, every %s of CPU time per process%n", summary.get("samples"), INTERVAL);
        System.out.println("  by thread group");
        ((Map<?, ?>) summary.get("byThreadGroup")).forEach((k, v) -> System.out.printf("    %5.1f%%  %s%n", (Double) v, k));
        System.out.println("  top frames (self)");
        ((Map<?, ?>) summary.get("topFrames")).forEach((k, v) -> System.out.printf("    %5.1f%%  %s%n", (Double) v, k));
    }

    private static String threadGroup(String threadFrame) {
        String name = threadFrame.startsWith("[") ? threadFrame.substring(1, threadFrame.length() - 1) : threadFrame;
        return name.replaceAll(" tid=\\d+$", "").replaceAll("\\d+", "N");
    }

    private static Map<String, Double> shares(Map<String, Long> counts, long total, int top) {
        List<Map.Entry<String, Long>> sorted = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top).toList();
        return sorted.stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> Math.round(1000.0 * e.getValue() / Math.max(1, total)) / 10.0, (a, b) -> a, LinkedHashMap::new));
    }
}
