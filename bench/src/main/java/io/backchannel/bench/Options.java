package io.backchannel.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags: {@code --name value} or {@code --name=value}; repeatable flags collect every value.
 * Every flag is declared (with its default and meaning) so that a typo is an error, not a silent default.
 */
final class Options {

    record Flag(String name, String defaultValue, String help, boolean repeatable) {
    }

    private static final Map<String, Flag> FLAGS = new LinkedHashMap<>();

    private static void flag(String name, String defaultValue, String help) {
        FLAGS.put(name, new Flag(name, defaultValue, help, false));
    }

    private static void repeatable(String name, String help) {
        FLAGS.put(name, new Flag(name, null, help, true));
    }

    static {
        flag("scenario", "send", "send|fanout|reconnect|idle|boot|all, or a comma list");
        flag("url", null, "use a running server at http://127.0.0.1:PORT (loopback only) instead of starting one");
        flag("jar", "standalone/target/standalone-0.1.0-SNAPSHOT.jar", "standalone jar to start as a child process");
        repeatable("server-jvm-arg", "extra JVM option for the child server (repeatable), e.g. -Xmx2g");
        repeatable("server-arg", "extra --key=value argument for the child server (repeatable)");
        flag("server-log", "false", "also print the child server's log at the end (it is always kept in the results dir)");
        flag("reuse-server", "false", "run every scenario against one child server instead of a fresh one each");
        flag("jfr", "false", "record the server with JFR (jcmd JFR.start/stop) during each measured phase and summarise hot methods");
        flag("async-profiler", "false", "profile the server with async-profiler during each measured phase: cpu (all threads, native frames too; true says the same), alloc (heap allocations by bytes), or false");
        flag("jfr-summary", null, "only summarise an existing .jfr file and exit");
        flag("results-dir", "bench-results", "where the JSON lines (results.jsonl) and JFR files go");
        flag("time-limit", "20m", "hard wall-clock limit for the whole run; the bench kills its server and exits");
        flag("setup-concurrency", "16", "parallel requests while creating users, channels and memberships");
        flag("transport", "sse", "subscriber transport for fanout/reconnect/idle: sse|ws, or mixed (half each, as issue 8 asks for fan-out)");
        // send
        flag("duration", "10s", "send: measured time per phase");
        flag("warmup", "5s", "send: unmeasured warm-up per phase (its sends are still verified)");
        flag("senders", "100", "send: concurrent closed-loop senders, each its own user");
        flag("send-channels", "1,100", "send: channel counts, one phase each (1 = one hot channel)");
        flag("send-transport", "http", "send: how senders post: http (POST /api/channels/{id}/messages) or ws (send frames on one WebSocket per sender)");
        flag("count", "1000000", "send: at most this many sends per phase");
        flag("text-size", "64", "send/fanout/reconnect: message text length in characters");
        // fanout
        flag("subscribers", "1000", "fanout: subscribers of the one channel");
        flag("rate", "50", "fanout: messages per second published");
        flag("fanout-duration", "60s", "fanout: publishing time");
        flag("fanout-warmup", "30s", "fanout: publishing at the same rate before the measured time (deliveries verified, latency not counted)");
        flag("publishers", "10", "fanout/reconnect: publishing users (a send rate limit applies per user)");
        flag("sub-users", "0", "fanout/reconnect/idle: distinct subscriber users; 0 = one user per subscriber");
        flag("connect-concurrency", "64", "fanout/idle: connections opened at a time while ramping up");
        flag("drain", "30s", "fanout: longest wait after the last ack for deliveries to arrive");
        // reconnect
        flag("reconnect-subscribers", "2000", "reconnect: subscribers that drop and resume at once");
        flag("messages", "5000", "reconnect: messages posted while every subscriber is away");
        flag("reconnect-live", "200", "reconnect: messages the open streams follow live before the first drop (0: none)");
        flag("reconnect-rounds", "1", "reconnect: storms in a row on one server, each reported; the first meets a cold JIT");
        flag("catchup-timeout", "60s", "reconnect: longest wait for every subscriber to catch up");
        // idle
        flag("idle-connections", "1000", "idle: idle stream connections whose server heap cost is measured");
        flag("idle-subscribe", "true", "idle, ws only: subscribe each connection to a channel (false: hello only)");
        // boot
        flag("boot-users", "100,1000,10000", "boot: team sizes in users, grown in place");
        flag("boot-channels", "50", "boot: public channels in the team (general included)");
        flag("boot-joins", "2", "boot: extra channels each user joins (besides general)");
        flag("boot-messages", "200", "boot: messages posted across the channels (for unread counts)");
        flag("boot-samples", "20", "boot: sample users whose boot is measured");
        flag("boot-requests", "2000", "boot: cached boot requests per team size");
        flag("boot-warmup", "1000", "boot: unmeasured cached boots before the measured ones (the JIT of both sides)");
        flag("boot-rebuild-requests", "100", "boot: rebuild-per-request boots per team size (each takes seconds at 10,000 users)");
        flag("boot-concurrency", "1", "boot: concurrent boot requests");
        flag("setup-timeout", "10m", "longest time any one setup step (users, channels) may take");
        flag("help", "false", "print the flags");
    }

    private final Map<String, List<String>> values = new LinkedHashMap<>();

    static Options parse(String[] args) {
        Options options = new Options();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (flags look like --name value)");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else if (i + 1 < args.length && FLAGS.containsKey(name) && FLAGS.get(name).repeatable()) {
                value = args[++i]; // a repeatable server argument may itself start with "--"
            } else {
                value = "true";
            }
            Flag flag = FLAGS.get(name);
            if (flag == null) {
                throw new IllegalArgumentException("unknown flag --" + name + " (see --help)");
            }
            List<String> list = options.values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!flag.repeatable()) {
                list.clear();
            }
            list.add(value);
        }
        return options;
    }

    static String usage() {
        StringBuilder out = new StringBuilder("""
                Backchannel benchmark: loopback only, bounded in count and time.
                usage: java -jar bench/target/bench.jar [--scenario send|fanout|reconnect|idle|boot|all] [flags]
                """);
        for (Flag flag : FLAGS.values()) {
            out.append(String.format("  --%-22s %s%s%n", flag.name(), flag.help(),
                    flag.defaultValue() == null ? "" : " [" + flag.defaultValue() + "]"));
        }
        return out.toString();
    }

    String string(String name) {
        List<String> list = values.get(name);
        if (list != null && !list.isEmpty()) {
            return list.get(list.size() - 1);
        }
        Flag flag = FLAGS.get(name);
        if (flag == null) {
            throw new IllegalStateException("undeclared flag " + name);
        }
        return flag.defaultValue();
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean given(String name) {
        return values.containsKey(name);
    }

    int integer(String name) {
        return Integer.parseInt(string(name).replace("_", "").replace(",", ""));
    }

    /** Distinct users for {@code subscribers} subscribers: {@code --sub-users}, or one each if it is 0. */
    int subscriberUsers(int subscribers) {
        int users = integer("sub-users");
        return users > 0 ? Math.min(users, subscribers) : subscribers;
    }

    boolean bool(String name) {
        return Boolean.parseBoolean(string(name));
    }

    Duration duration(String name) {
        return parseDuration(string(name));
    }

    List<Integer> integers(String name) {
        return Arrays.stream(string(name).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> Integer.parseInt(s.replace("_", ""))).toList();
    }

    Set<String> scenarios() {
        Set<String> out = new LinkedHashSet<>();
        for (String s : string("scenario").split(",")) {
            s = s.trim();
            if (s.equals("all")) {
                out.addAll(List.of("send", "fanout", "reconnect", "idle", "boot"));
            } else if (List.of("send", "fanout", "reconnect", "idle", "boot").contains(s)) {
                out.add(s);
            } else {
                throw new IllegalArgumentException("unknown scenario '" + s + "'");
            }
        }
        return out;
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, or plain seconds. */
    static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
        }
        return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
    }

    /** The flags as given plus defaults, for the JSON result line. */
    Map<String, Object> effective(List<String> names) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : names) {
            out.put(name, string(name));
        }
        return out;
    }
}
