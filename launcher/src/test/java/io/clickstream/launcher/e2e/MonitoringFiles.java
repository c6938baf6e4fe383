package io.clickstream.launcher.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what grafana/ ships: every panel query of every dashboard (panels in rows included), the dashboards'
 * template variables, and every rule of the alert rule files. Also the two things needed to run them against a
 * Prometheus: Grafana's variable substitution and the metric names a PromQL expression selects.
 */
final class MonitoringFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One target of one panel. */
    record PanelQuery(String dashboard, String panel, String refId, String expr) {
        String where() {
            return dashboard + " › panel \"" + panel + "\" (" + refId + ")";
        }
    }

    /** A template variable; {@code query} is its Prometheus query (label_values(...)) for query variables. */
    record Variable(String dashboard, String name, String type, String query, boolean includeAll, String allValue) {
    }

    record Dashboard(String file, String title, String timeFrom, List<PanelQuery> queries, List<Variable> variables) {
    }

    /** A rule of a rule file: an alert, or a recording rule ({@code alert} false, {@code name} the recorded metric). */
    record Rule(String file, String group, String name, boolean alert, String expr, Duration pendingFor) {
        String where() {
            return file + " › " + (alert ? "alert " : "recording rule ") + name;
        }
    }

    private MonitoringFiles() {
    }

    static List<Dashboard> dashboards(Path dir) throws IOException {
        List<Dashboard> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode d = JSON.readTree(f.toFile());
                String name = f.getFileName().toString();
                List<PanelQuery> queries = new ArrayList<>();
                collect(name, d.path("panels"), queries);
                List<Variable> variables = new ArrayList<>();
                for (JsonNode v : d.path("templating").path("list")) {
                    JsonNode q = v.path("query");
                    String query = q.isObject() ? q.path("query").asText("") : q.asText("");
                    variables.add(new Variable(name, v.path("name").asText(), v.path("type").asText(), query,
                            v.path("includeAll").asBoolean(false), v.hasNonNull("allValue") ? v.get("allValue").asText() : null));
                }
                out.add(new Dashboard(name, d.path("title").asText(), d.path("time").path("from").asText("now-1h"),
                        queries, variables));
            }
        }
        return out;
    }

    private static void collect(String dashboard, JsonNode panels, List<PanelQuery> out) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr") && !t.get("expr").asText().isBlank()) {
                    out.add(new PanelQuery(dashboard, p.path("title").asText(), t.path("refId").asText("?"), t.get("expr").asText()));
                }
            }
            collect(dashboard, p.path("panels"), out); // panels inside (collapsed) rows
        }
    }

    static List<Rule> rules(Path dir) throws IOException {
        List<Rule> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.rules\\.ya?ml")).sorted().toList()) {
                JsonNode doc = YAML.readTree(f.toFile());
                for (JsonNode g : doc.path("groups")) {
                    for (JsonNode r : g.path("rules")) {
                        boolean alert = r.hasNonNull("alert");
                        out.add(new Rule(f.getFileName().toString(), g.path("name").asText(),
                                alert ? r.get("alert").asText() : r.path("record").asText(), alert, r.path("expr").asText(),
                                r.hasNonNull("for") ? goDuration(r.get("for").asText()) : Duration.ZERO));
                    }
                }
            }
        }
        return out;
    }

    // ---- Grafana variables -------------------------------------------------------------------------------------

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::[^}]*)?}|\\[\\[(\\w+)(?::[^]]*)?]]|\\$(\\w+)");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\(\\s*(.+?)\\s*,\\s*(\\w+)\\s*\\)\\s*$");

    /**
     * Replaces Grafana variables ({@code $name}, {@code ${name}}, {@code ${name:format}}, {@code [[name]]}) by
     * {@code values}; a variable without a value is an error, so an expression never reaches Prometheus half-done.
     */
    static String substitute(String expr, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            if (name.chars().allMatch(Character::isDigit)) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group())); // $1: a regex group of label_replace
                continue;
            }
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("unknown Grafana variable $" + name + " in " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Grafana's built-in interval variables for a data source scraped every {@code scrape}, over {@code range}. */
    static Map<String, String> builtIns(Duration scrape, Duration range) {
        Duration interval = scrape; // the data source's minimum interval (jsonData.timeInterval)
        Duration rate = interval.plus(scrape).compareTo(scrape.multipliedBy(4)) > 0 ? interval.plus(scrape) : scrape.multipliedBy(4);
        return Map.of(
                "__interval", promDuration(interval),
                "__interval_ms", Long.toString(interval.toMillis()),
                "__rate_interval", promDuration(rate),
                "__range", promDuration(range),
                "__range_s", Long.toString(range.toSeconds()),
                "__range_ms", Long.toString(range.toMillis()));
    }

    /** {@code label_values(metric, label)} → [metric selector, label]; anything else is not supported here. */
    static String[] labelValuesQuery(String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a label_values(metric, label) query: " + query);
        }
        return new String[] {m.group(1), m.group(2)};
    }

    /** A dashboard's default time range ({@code now-1h}, {@code now-24h}, ...) as a duration. */
    static Duration range(String timeFrom) {
        Matcher m = Pattern.compile("now-(\\d+)([smhdw])").matcher(timeFrom);
        if (!m.matches()) {
            throw new IllegalArgumentException("unsupported time range " + timeFrom);
        }
        return goDuration(m.group(1) + m.group(2));
    }

    // ---- PromQL ------------------------------------------------------------------------------------------------

    private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?[0-9a-z.]+|@\\s*(?:start\\s*\\(\\s*\\)|end\\s*\\(\\s*\\)|[0-9.]+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TOKEN = Pattern.compile(
            "(0[xX][0-9a-fA-F]+|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)|([a-zA-Z_:][a-zA-Z0-9_:]*)");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan", "atan2");

    /**
     * The metric names an expression selects: every identifier that is not a function or aggregation (followed by
     * a parenthesis), a keyword, a number, or inside label matchers, ranges, strings and grouping clauses.
     */
    static Set<String> metricNames(String expr) {
        String s = STRING.matcher(expr).replaceAll("\"\"");
        s = MATCHERS.matcher(s).replaceAll(" ");
        s = RANGES.matcher(s).replaceAll(" ");
        s = GROUPING.matcher(s).replaceAll(" ");
        s = OFFSET.matcher(s).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            String ident = m.group(2);
            if (ident == null || KEYWORDS.contains(ident.toLowerCase(Locale.ROOT))) {
                continue;
            }
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                next++;
            }
            if (next < s.length() && s.charAt(next) == '(') {
                continue; // a function or an aggregation
            }
            names.add(ident);
        }
        return names;
    }

    /**
     * Every selector of the expression as written, {@code name} or {@code name{matchers}}, in order per name. A label
     * spelled like a selected metric (in {@code by (...)}) is listed too: stricter, never laxer.
     */
    static List<String> selectors(String expr) {
        List<String> out = new ArrayList<>();
        for (String name : metricNames(expr)) {
            Matcher m = Pattern.compile("(?<![\\w:])" + Pattern.quote(name) + "(?![\\w:])(\\s*\\{[^}]*})?").matcher(expr);
            while (m.find()) {
                out.add(m.group().replaceAll("\\s+\\{", "{"));
            }
        }
        return out;
    }

    /** Go/Prometheus durations: 5s, 1m, 1m30s, 500ms, 2h, 1d. */
    static Duration goDuration(String text) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)").matcher(text.trim());
        Duration d = Duration.ZERO;
        int at = 0;
        while (m.find() && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(7 * n);
                default -> Duration.ofDays(365 * n);
            });
            at = m.end();
        }
        if (at == 0 || at != text.trim().length()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        return d;
    }

    static String promDuration(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 != 0 ? ms + "ms" : ms % 60_000 != 0 ? ms / 1000 + "s" : ms % 3_600_000 != 0 ? ms / 60_000 + "m" : ms / 3_600_000 + "h";
    }
}
