package io.backchannel.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Flight recordings of the child server around a measured phase (through {@code jcmd}), and a
 * summary of where its CPU samples went: top frames (self time), methods on the stack (total time),
 * and the same by package family.
 */
final class Jfr {

    private Jfr() {
    }

    static void start(long pid, String name) {
        jcmd(pid, "JFR.start", "name=" + name, "settings=profile");
    }

    static Path stop(long pid, String name, Path file) {
        jcmd(pid, "JFR.stop", "name=" + name, "filename=" + file.toAbsolutePath());
        return file;
    }

    private static void jcmd(long pid, String... args) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd");
        command.add(Long.toString(pid));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                System.out.println("jcmd " + String.join(" ", args) + " failed: " + out.trim());
            }
        } catch (IOException e) {
            System.out.println("jcmd unavailable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a jcmd and returns its output (empty on failure). */
    static String jcmdOutput(long pid, String... args) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd");
        command.add(Long.toString(pid));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    record Summary(long samples, Map<String, Long> selfTop, Map<String, Long> totalTop, Map<String, Long> selfByFamily,
                   Map<String, Long> threads, Map<String, Long> waitsMs, Map<String, Long> waitCounts, double machineCpu,
                   double jvmCpu, long gcPauseMs, long seconds, Map<String, Long> ownCode) {
    }

    private static final Set<String> WAITS = Set.of("jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait",
            "jdk.FileForce", "jdk.FileRead", "jdk.FileWrite", "jdk.SocketRead", "jdk.SocketWrite");

    static Summary summarise(Path file, int top) throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        Map<String, Long> family = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> waits = new HashMap<>();
        Map<String, Long> waitCounts = new HashMap<>();
        Map<String, Long> own = new HashMap<>();
        double machine = 0;
        double jvm = 0;
        int loads = 0;
        long gcPauseNanos = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long samples = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String type = event.getEventType().getName();
                if (type.equals("jdk.CPULoad")) {
                    machine += event.getFloat("machineTotal");
                    jvm += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
                    loads++;
                    continue;
                }
                if (type.equals("jdk.GarbageCollection")) {
                    gcPauseNanos += event.getDuration("sumOfPauses").toNanos();
                    continue;
                }
                if (WAITS.contains(type)) {
                    String site = type.substring(4) + " @ " + waitSite(event.getStackTrace());
                    waits.merge(site, event.getDuration().toMillis(), Long::sum);
                    waitCounts.merge(site, 1L, Long::sum);
                    continue;
                }
                if (!type.equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                long at = event.getStartTime().toEpochMilli();
                first = Math.min(first, at);
                last = Math.max(last, at);
                List<RecordedFrame> frames = stack.getFrames();
                String topMethod = name(frames.get(0).getMethod());
                self.merge(topMethod, 1L, Long::sum);
                family.merge(family(frames), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String m = name(frame.getMethod());
                    if (seen.add(m)) {
                        total.merge(m, 1L, Long::sum);
                        if (m.startsWith("io.backchannel.")) {
                            own.merge(m, 1L, Long::sum);
                        }
                    }
                }
                String thread = event.getThread("sampledThread") == null ? "?" : threadGroup(event.getThread("sampledThread").getJavaName());
                threads.merge(thread, 1L, Long::sum);
            }
        }
        return new Summary(samples, topN(self, top), topN(total, top), topN(family, top), topN(threads, top),
                topN(waits, 15), waitCounts, loads == 0 ? -1 : machine / loads, loads == 0 ? -1 : jvm / loads,
                gcPauseNanos / 1_000_000, first == Long.MAX_VALUE ? 0 : (last - first) / 1000, topN(own, 15));
    }

    static void print(Summary s) {
        System.out.printf("%nJFR: %d execution samples over %d s (Java threads running Java code, ~every 10-20 ms each)%n",
                s.samples(), s.seconds());
        if (s.machineCpu() >= 0) {
            System.out.printf("  CPU load: machine %.0f%%, server JVM %.0f%% (of all cores); GC pauses %d ms%n",
                    s.machineCpu() * 100, s.jvmCpu() * 100, s.gcPauseMs());
        }
        printTable("self (top frame)", s.selfTop(), s.samples());
        printTable("total (on stack; entry points and frameworks rank high)", s.totalTop(), s.samples());
        printTable("self by code family (first non-JDK frame's package)", s.selfByFamily(), s.samples());
        printTable("samples by thread pool", s.threads(), s.samples());
        printTable("backchannel code on the stack", s.ownCode(), s.samples());
        System.out.println("  waits over the threshold (park, monitor, file and socket I/O; total ms, count, where)");
        s.waitsMs().forEach((k, v) -> System.out.printf("    %8d ms  %6d  %s%n", v, s.waitCounts().getOrDefault(k, 0L), k));
    }

    private static void printTable(String title, Map<String, Long> rows, long samples) {
        System.out.println("  " + title);
        rows.forEach((k, v) -> System.out.printf("    %5.1f%%  %6d  %s%n", 100.0 * v / Math.max(1, samples), v, k));
    }

    static Map<String, Object> toJson(Summary s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples", s.samples());
        out.put("selfTop", s.selfTop());
        out.put("selfByFamily", s.selfByFamily());
        out.put("threads", s.threads());
        out.put("ownCode", s.ownCode());
        out.put("waitsMs", s.waitsMs());
        out.put("machineCpu", s.machineCpu());
        out.put("jvmCpu", s.jvmCpu());
        out.put("gcPauseMs", s.gcPauseMs());
        return out;
    }

    /**
     * Where a thread waited: the first frame outside the JDK's concurrency, I/O and reflection plumbing
     * and outside Reactor's and Netty's, so the site names the library or application code that waited.
     */
    private static String waitSite(RecordedStackTrace stack) {
        if (stack == null) {
            return "?";
        }
        String fallback = "?";
        for (RecordedFrame frame : stack.getFrames()) {
            RecordedMethod m = frame.getMethod();
            if (m == null || m.getType() == null) {
                continue;
            }
            String type = m.getType().getName();
            if (fallback.equals("?") && !type.startsWith("jdk.internal.misc") && !type.startsWith("java.util.concurrent.locks")) {
                fallback = name(m);
            }
            if (isJdk(type) || type.startsWith("reactor.") || type.startsWith("io.netty.")) {
                continue;
            }
            return name(m) + " (" + fallback + ")";
        }
        return fallback;
    }

    private static String name(RecordedMethod method) {
        if (method == null) {
            return "?";
        }
        String type = method.getType() == null ? "?" : method.getType().getName();
        return type + "." + method.getName();
    }

    /**
     * Which code a sample is attributed to: the top frame's package family if it is application or
     * library code, else the first non-JDK frame below the JDK frames (so HashMap.get inside Axon counts
     * as Axon), prefixed with what the JDK frame was doing.
     */
    private static String family(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            RecordedMethod m = frame.getMethod();
            if (m == null || m.getType() == null) {
                continue;
            }
            String type = m.getType().getName();
            if (!isJdk(type)) {
                return packageFamily(type);
            }
        }
        return "jdk (no library frame)";
    }

    private static boolean isJdk(String type) {
        return type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.") || type.startsWith("sun.")
                || type.startsWith("com.sun.");
    }

    static String packageFamily(String type) {
        String[] parts = type.split("\\.");
        if (type.startsWith("io.backchannel.")) {
            return parts.length > 3 ? String.join(".", parts[0], parts[1], parts[2]) : type;
        }
        if (type.startsWith("org.springframework.") || type.startsWith("org.axonframework.") || type.startsWith("io.netty.")
                || type.startsWith("reactor.") || type.startsWith("de.bwaldvogel.") || type.startsWith("org.h2.")
                || type.startsWith("com.fasterxml.") || type.startsWith("org.hibernate.") || type.startsWith("com.mongodb.")
                || type.startsWith("org.bson.") || type.startsWith("io.micrometer.") || type.startsWith("com.zaxxer.")) {
            return parts.length > 3 ? String.join(".", parts[0], parts[1], parts[2]) : type;
        }
        return parts.length > 2 ? String.join(".", parts[0], parts[1]) : type;
    }

    static String threadGroup(String threadName) {
        if (threadName == null) {
            return "?";
        }
        return threadName.replaceAll("[-#]?\\d+$", "").replaceAll("-\\d+-", "-N-");
    }

    private static Map<String, Long> topN(Map<String, Long> counts, int n) {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
