package io.backchannel.standalone.operations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL to find which series a panel expression selects: the metric names, and the
 * label equalities ({@code name="value"}) of each selector. Functions, aggregations and their
 * {@code by (...)} lists, durations, numbers and Grafana variables ({@code $__rate_interval}) are skipped.
 */
final class PromQl {

    /** A series selector: a metric name and its exact label matchers. */
    record Selector(String metric, Map<String, String> labels) {
    }

    /** Words that are never metric names where they stand. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan");
    /** Keywords followed by a parenthesised list of label names, not an expression. */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private PromQl() {
    }

    static List<Selector> selectors(String expression) {
        List<Selector> selectors = new ArrayList<>();
        String expr = expression;
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '$') {
                // A Grafana variable: $name or ${name}.
                i++;
                if (i < expr.length() && expr.charAt(i) == '{') {
                    i = past(expr, '}', i);
                } else {
                    while (i < expr.length() && isNamePart(expr.charAt(i))) {
                        i++;
                    }
                }
            } else if (c == '[') {
                i = past(expr, ']', i); // a range or subquery duration
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < expr.length() && Character.isDigit(expr.charAt(i + 1)))) {
                while (i < expr.length() && (isNamePart(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++; // numbers and durations such as 0.99, 5m, 1e3
                }
            } else if (isNameStart(c)) {
                int start = i;
                while (i < expr.length() && isNamePart(expr.charAt(i))) {
                    i++;
                }
                String word = expr.substring(start, i);
                int next = skipSpace(expr, i);
                if (LABEL_LISTS.contains(word) && next < expr.length() && expr.charAt(next) == '(') {
                    i = past(expr, ')', next);
                } else if (KEYWORDS.contains(word)) {
                    // an operator keyword
                } else if (next < expr.length() && expr.charAt(next) == '(') {
                    // a function or an aggregation: sum(...), rate(...)
                } else if (followedByLabelList(expr, next)) {
                    // an aggregation written as `sum by (x) (...)`
                } else if (next < expr.length() && expr.charAt(next) == '{') {
                    int end = closingBrace(expr, next);
                    selectors.add(new Selector(word, equalities(expr.substring(next + 1, end))));
                    i = end + 1;
                } else {
                    selectors.add(new Selector(word, Map.of()));
                }
            } else if (c == '{') {
                // A selector without a name in front: {__name__="..."}.
                int end = closingBrace(expr, i);
                Map<String, String> labels = equalities(expr.substring(i + 1, end));
                if (labels.containsKey("__name__")) {
                    Map<String, String> rest = new LinkedHashMap<>(labels);
                    selectors.add(new Selector(rest.remove("__name__"), rest));
                }
                i = end + 1;
            } else {
                i++;
            }
        }
        return selectors;
    }

    /** Whether parentheses, brackets, braces and quotes balance, a cheap guard against a broken expression. */
    static boolean balanced(String expr) {
        int depth = 0;
        StringBuilder open = new StringBuilder();
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                int end = skipString(expr, i);
                if (end > expr.length()) {
                    return false;
                }
                i = end - 1;
            } else if (c == '(' || c == '[' || c == '{') {
                open.append(c);
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    return false;
                }
                char last = open.charAt(--depth);
                open.setLength(depth);
                if ("([{".indexOf(last) != ")]}".indexOf(c)) {
                    return false;
                }
            }
        }
        return depth == 0;
    }

    private static Map<String, String> equalities(String matchers) {
        Map<String, String> labels = new LinkedHashMap<>();
        Matcher matcher = MATCHER.matcher(matchers);
        while (matcher.find()) {
            if (matcher.group(2).equals("=")) {
                labels.put(matcher.group(1), matcher.group(3).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
        }
        return labels;
    }

    private static boolean followedByLabelList(String expr, int at) {
        for (String keyword : List.of("by", "without")) {
            if (expr.startsWith(keyword, at)) {
                int after = skipSpace(expr, at + keyword.length());
                if (after < expr.length() && expr.charAt(after) == '(') {
                    return true;
                }
            }
        }
        return false;
    }

    private static int closingBrace(String expr, int open) {
        int i = open + 1;
        while (i < expr.length() && expr.charAt(i) != '}') {
            char c = expr.charAt(i);
            i = c == '"' || c == '\'' || c == '`' ? skipString(expr, i) : i + 1;
        }
        return i;
    }

    /** The index just past the string literal opening at {@code start} (past the end if it never closes). */
    private static int skipString(String expr, int start) {
        char quote = expr.charAt(start);
        int i = start + 1;
        while (i < expr.length() && expr.charAt(i) != quote) {
            i += expr.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        return i + 1;
    }

    /** The index just past the next {@code c} from {@code from}, or the end: never back, so a scan always ends. */
    private static int past(String expr, char c, int from) {
        int at = expr.indexOf(c, from);
        return at < 0 ? expr.length() : at + 1;
    }

    private static int skipSpace(String expr, int i) {
        while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }
}
