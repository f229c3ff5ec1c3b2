package io.backchannel.standalone.operations;

import io.backchannel.standalone.SharedServer;
import io.backchannel.standalone.operations.PromQl.Selector;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every series a Grafana panel queries is one the application exports: checked against the live
 * {@code /actuator/prometheus} of the standalone app (the same code and meters as the three distributed
 * processes, in one JVM) after a little real traffic, so a misspelt or renamed metric fails here
 * instead of leaving a panel empty in production.
 */
class DashboardMetricsExportedTest {

    /**
     * Queried on purpose although not exported yet. Printed on every run; a name that is exported by now
     * is reported so it can be taken off. Anything queried that is neither exported nor here fails.
     */
    static final Map<String, String> NOT_YET_EXPORTED = Map.of();
    // backchannel_rate_limited_total was here until the per-user rate limits shipped: the gateway registers
    // its counter for every kind up front, so it is exported before the first refusal.
    // backchannel_boot_latency_seconds_bucket was expected here too, but the gateway registers the boot
    // timer up front (with its buckets), so it is exported already, before GET /api/teams/{teamId}/boot ships.

    /** Series that Prometheus writes itself for every target; no application exports them. */
    static final Set<String> WRITTEN_BY_PROMETHEUS = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

    /** Labels that Prometheus attaches (job, instance) or that differ per process (application): not checked. */
    static final Set<String> ENVIRONMENT_LABELS = Set.of("job", "instance", "application");

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @BeforeAll
    static void driveTraffic() {
        // Meters are registered on first use: send, retry, stream, boot and read, as a client would.
        SharedServer.driveSampleTraffic();
        // The GC pause timer exists only after a first collection; a young GC has nearly always happened
        // by now, and this makes sure (a full collection is recorded as a pause too).
        System.gc();
    }

    @Test
    void everyQueriedSeriesIsExported() {
        List<Selector> queried = new ArrayList<>();
        DashboardTest.expressions(DashboardTest.dashboard()).values()
                .forEach(exprs -> exprs.forEach(expr -> queried.addAll(PromQl.selectors(expr))));
        assertThat(queried).isNotEmpty();

        WebClient web = WebClient.builder().baseUrl(SharedServer.baseUrl())
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build();
        Map<String, List<Map<String, String>>> exported = new HashMap<>();
        List<String> problems = new ArrayList<>();
        try {
            // Some meters appear a moment after the traffic (the processor latency gauge, the lag sampler).
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                exported.clear();
                exported.putAll(scrape(web));
                problems.clear();
                problems.addAll(problems(queried, exported));
                return problems.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            // Reported by the assertion below, with the details.
        }

        Set<String> queriedNames = new TreeSet<>();
        queried.forEach(selector -> queriedNames.add(selector.metric()));
        System.out.println("dashboard series exported by the app: "
                + queriedNames.stream().filter(exported::containsKey).toList());
        System.out.println("dashboard series written by Prometheus itself: "
                + queriedNames.stream().filter(WRITTEN_BY_PROMETHEUS::contains).toList());
        NOT_YET_EXPORTED.forEach((name, reason) -> System.out.println(exported.containsKey(name)
                ? "NOT_YET_EXPORTED lists " + name + ", which is exported now: take it off the list"
                : "not exported yet (allowed: " + reason + "): " + name));

        assertThat(problems).as("dashboard queries the app does not export").isEmpty();
    }

    private static List<String> problems(List<Selector> queried, Map<String, List<Map<String, String>>> exported) {
        Set<String> problems = new LinkedHashSet<>();
        for (Selector selector : queried) {
            String name = selector.metric();
            if (WRITTEN_BY_PROMETHEUS.contains(name)) {
                continue;
            }
            List<Map<String, String>> series = exported.get(name);
            if (series == null) {
                if (!NOT_YET_EXPORTED.containsKey(name)) {
                    problems.add(name + " is not exported (exported names like it: " + alike(name, exported.keySet()) + ")");
                }
                continue;
            }
            Map<String, String> wanted = new LinkedHashMap<>(selector.labels());
            wanted.keySet().removeAll(ENVIRONMENT_LABELS);
            boolean matches = series.stream().anyMatch(labels -> labels.entrySet().containsAll(wanted.entrySet()));
            if (!matches) {
                problems.add(name + wanted + " matches no exported series of " + name);
            }
        }
        return new ArrayList<>(problems);
    }

    /** Exported names that share the first two words of {@code name}: the likely intended one, for the failure message. */
    private static Set<String> alike(String name, Set<String> exported) {
        String[] words = name.split("_");
        String stem = words.length > 1 ? words[0] + "_" + words[1] : words[0];
        Set<String> alike = new TreeSet<>();
        exported.stream().filter(candidate -> candidate.startsWith(stem)).forEach(alike::add);
        return alike;
    }

    /** Sample name to the label sets of its samples, from the Prometheus text format. */
    private static Map<String, List<Map<String, String>>> scrape(WebClient web) {
        String text = web.get().uri("/actuator/prometheus").retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(10));
        Map<String, List<Map<String, String>>> series = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            boolean labelled = brace >= 0 && (space < 0 || brace < space);
            String name = line.substring(0, labelled ? brace : space);
            Map<String, String> labels = new HashMap<>();
            if (labelled) {
                Matcher label = LABEL.matcher(line.substring(brace + 1, line.lastIndexOf('}')));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            }
            series.computeIfAbsent(name, key -> new ArrayList<>()).add(labels);
        }
        return series;
    }
}
