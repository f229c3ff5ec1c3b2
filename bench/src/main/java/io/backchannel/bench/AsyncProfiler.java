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
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * async-profiler attached to the child server for a measured window (its jar, a dependency of the bench,
 * carries the native library), in one of two modes:
 * <ul>
 *   <li>{@link Mode#CPU} samples every thread's CPU time, native frames included: JFR's execution samples see
 *   only threads running Java code, so the socket writes and the JIT compiler's own work, each a large share
 *   of fan-out's CPU, were invisible to it. {@code itimer} sampling needs no perf_events permission.</li>
 *   <li>{@link Mode#ALLOC} samples heap allocations (one per TLAB, or outside one) and weighs each by its
 *   bytes: where the garbage comes from.</li>
 * </ul>
 * The collapsed stacks (one line per stack, thread first) go to the results directory and are summarised
 * here: the share by thread group, and by top frame (the allocated class, in {@code alloc} mode) and, for
 * allocations, by the method that allocated.
 */
final class AsyncProfiler {

    private static final String INTERVAL = "2ms";

    enum Mode {
        CPU("start,event=itimer,threads,interval=" + INTERVAL, "stop,collapsed", "CPU samples, every " + INTERVAL + " of CPU time per process"),
        ALLOC("start,event=alloc,threads", "stop,collapsed,total", "bytes allocated (sampled)");

        private final String start;
        private final String stop;
        private final String unit;

        Mode(String start, String stop, String unit) {
            this.start = start;
            this.stop = stop;
            this.unit = unit;
        }

        /** The {@code --async-profiler} flag: {@code cpu} ({@code true} says the same), {@code alloc}, or off. */
        static Optional<Mode> of(String flag) {
            return switch (flag) {
                case "cpu", "true" -> Optional.of(CPU);
                case "alloc" -> Optional.of(ALLOC);
                case "false", "" -> Optional.empty();
                default -> throw new IllegalArgumentException("--async-profiler takes cpu, alloc or false, not " + flag);
            };
        }
    }

    private AsyncProfiler() {
    }

    static void start(long pid, Mode mode) {
        load(pid, mode.start);
    }

    static void stop(long pid, Mode mode, Path collapsed) {
        load(pid, mode.stop + ",file=" + collapsed.toAbsolutePath());
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

    /**
     * Shares of the samples: by thread group (digits dropped from thread names), by top frame, and by the frame
     * under it (for allocations, the allocating method under the allocated class).
     */
    static Map<String, Object> summarise(Mode mode, Path collapsed, int top) throws IOException {
        Map<String, Long> byThread = new TreeMap<>();
        Map<String, Long> byFrame = new TreeMap<>();
        Map<String, Long> byCaller = new TreeMap<>();
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
            if (frames.length > 2) {
                byCaller.merge(frames[frames.length - 2], samples, Long::sum);
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("mode", mode.name().toLowerCase());
        summary.put("samples", total);
        summary.put("byThreadGroup", shares(byThread, total, top));
        summary.put("topFrames", shares(byFrame, total, top));
        summary.put("callers", shares(byCaller, total, top));
        return summary;
    }

    static void print(Mode mode, Map<String, Object> summary) {
        System.out.printf("async-profiler: %,d %s%n", (Long) summary.get("samples"), mode.unit);
        System.out.println("  by thread group");
        ((Map<?, ?>) summary.get("byThreadGroup")).forEach((k, v) -> System.out.printf("    %5.1f%%  %s%n", (Double) v, k));
        System.out.println(mode == Mode.ALLOC ? "  allocated classes" : "  top frames (self)");
        ((Map<?, ?>) summary.get("topFrames")).forEach((k, v) -> System.out.printf("    %5.1f%%  %s%n", (Double) v, k));
        System.out.println(mode == Mode.ALLOC ? "  allocating methods" : "  their callers");
        ((Map<?, ?>) summary.get("callers")).forEach((k, v) -> System.out.printf("    %5.1f%%  %s%n", (Double) v, k));
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
