package io.backchannel.standalone.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.standalone.operations.PromQl.Selector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** compose/grafana/dashboards/backchannel.json is a well-formed Grafana dashboard with the panels operations asked for. */
class DashboardTest {

    static final Path DASHBOARD = ComposeProject.COMPOSE_DIR.resolve("grafana/dashboards/backchannel.json");
    static final String DATASOURCE_UID = "backchannel-prometheus";
    private static final Set<String> PANEL_TYPES = Set.of("timeseries", "stat", "gauge", "bargauge", "table", "text",
            "heatmap", "state-timeline", "row");

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel, rows' collapsed children included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** Each panel title with the PromQL expressions of its targets. */
    static Map<String, List<String>> expressions(JsonNode dashboard) {
        Map<String, List<String>> expressions = new LinkedHashMap<>();
        for (JsonNode panel : panels(dashboard)) {
            List<String> exprs = new ArrayList<>();
            panel.path("targets").forEach(target -> exprs.add(target.path("expr").asText()));
            if (!exprs.isEmpty()) {
                expressions.put(panel.path("title").asText(), exprs);
            }
        }
        return expressions;
    }

    @Test
    void isAProvisionableGrafanaDashboard() {
        JsonNode dashboard = dashboard();
        assertThat(dashboard.path("uid").asText()).isNotBlank().hasSizeLessThanOrEqualTo(40);
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(dashboard.has("id")).as("a provisioned dashboard carries no database id").isFalse();
        assertThat(dashboard.path("panels").isArray()).isTrue();

        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels(dashboard)) {
            String title = panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt())).as("panel id of %s is unique", title).isTrue();
            assertThat(panel.path("type").asText()).as("type of %s", title).isIn(PANEL_TYPES);
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("w").asInt()).as("width of %s", title).isPositive();
            assertThat(grid.path("h").asInt()).as("height of %s", title).isPositive();
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("%s fits in 24 columns", title).isLessThanOrEqualTo(24);
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).as("datasource of %s", title).isEqualTo(DATASOURCE_UID);
            assertThat(panel.path("description").asText()).as("description of %s", title).isNotBlank();
            JsonNode targets = panel.path("targets");
            assertThat(targets.size()).as("targets of %s", title).isPositive();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : targets) {
                String expr = target.path("expr").asText();
                assertThat(refIds.add(target.path("refId").asText())).as("refId in %s", title).isTrue();
                assertThat(target.path("datasource").path("uid").asText()).as("target datasource in %s", title).isEqualTo(DATASOURCE_UID);
                assertThat(PromQl.balanced(expr)).as("%s: balanced %s", title, expr).isTrue();
                assertThat(PromQl.selectors(expr)).as("%s: %s selects a metric", title, expr).isNotEmpty();
            }
        }
        assertThat(overlaps(dashboard)).as("panels drawn over each other").isEmpty();
    }

    @Test
    void hasThePanelsOperationsAskedFor() {
        Map<String, List<String>> expressions = expressions(dashboard());
        assertThat(metricsOf(expressions, "Send rate")).contains("backchannel_messages_posted_total");
        assertThat(panelQuerying(expressions, "http_server_requests_seconds_sum")).as("ack latency")
                .anySatisfy(expr -> assertThat(expr).contains("method=\"POST\"").contains("uri=\"/api/channels/{channelId}/messages\""));
        assertThat(panelQuerying(expressions, "backchannel_delivery_latency_seconds_bucket"))
                .anySatisfy(expr -> assertThat(expr).startsWith("histogram_quantile(0.5,"))
                .anySatisfy(expr -> assertThat(expr).startsWith("histogram_quantile(0.99,"));
        assertThat(panelQuerying(expressions, "backchannel_stream_connections"))
                .anySatisfy(expr -> assertThat(expr).contains("by (transport)"));
        assertThat(panelQuerying(expressions, "backchannel_boot_latency_seconds_bucket"))
                .anySatisfy(expr -> assertThat(expr).startsWith("histogram_quantile("));
        assertThat(panelQuerying(expressions, "backchannel_projection_lag_events")).isNotEmpty();
        assertThat(panelQuerying(expressions, "backchannel_send_duplicates_total")).isNotEmpty();
        assertThat(panelQuerying(expressions, "backchannel_rate_limited_total")).isNotEmpty();
        assertThat(panelQuerying(expressions, "jvm_memory_used_bytes"))
                .anySatisfy(expr -> assertThat(expr).contains("area=\"heap\""));
        assertThat(panelQuerying(expressions, "jvm_gc_pause_seconds_sum")).isNotEmpty();
        assertThat(panelQuerying(expressions, "eventProcessor_latency")).isNotEmpty();
        assertThat(panelQuerying(expressions, "commandBus_allTimer_seconds_count")).isNotEmpty();
    }

    @Test
    void theRateLimitPanelSaysTheLimitsArePerNode() {
        JsonNode panel = panels(dashboard()).stream()
                .filter(p -> StreamSupport.stream(p.path("targets").spliterator(), false)
                        .anyMatch(target -> target.path("expr").asText().contains("backchannel_rate_limited_total")))
                .findFirst().orElseThrow();
        // An operator reading the panel must not take a node's refusals for a cluster-wide limit.
        assertThat(panel.path("description").asText()).contains("per gateway node");
    }

    private static Set<String> metricsOf(Map<String, List<String>> expressions, String title) {
        assertThat(expressions).containsKey(title);
        Set<String> metrics = new HashSet<>();
        expressions.get(title).forEach(expr -> PromQl.selectors(expr).forEach(selector -> metrics.add(selector.metric())));
        return metrics;
    }

    private static List<String> panelQuerying(Map<String, List<String>> expressions, String metric) {
        return expressions.values().stream().flatMap(List::stream)
                .filter(expr -> PromQl.selectors(expr).stream().map(Selector::metric).anyMatch(metric::equals))
                .toList();
    }

    private static List<String> overlaps(JsonNode dashboard) {
        List<JsonNode> top = new ArrayList<>();
        dashboard.path("panels").forEach(top::add);
        List<String> overlaps = new ArrayList<>();
        for (int a = 0; a < top.size(); a++) {
            for (int b = a + 1; b < top.size(); b++) {
                JsonNode p = top.get(a).path("gridPos");
                JsonNode q = top.get(b).path("gridPos");
                boolean apart = p.path("x").asInt() + p.path("w").asInt() <= q.path("x").asInt()
                        || q.path("x").asInt() + q.path("w").asInt() <= p.path("x").asInt()
                        || p.path("y").asInt() + p.path("h").asInt() <= q.path("y").asInt()
                        || q.path("y").asInt() + q.path("h").asInt() <= p.path("y").asInt();
                if (!apart) {
                    overlaps.add(top.get(a).path("title").asText() + " / " + top.get(b).path("title").asText());
                }
            }
        }
        return overlaps;
    }
}
