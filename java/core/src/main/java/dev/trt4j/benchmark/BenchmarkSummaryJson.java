package dev.trt4j.benchmark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trt4j.timing.MetricStatistics;
import dev.trt4j.timing.PercentileValue;
import dev.trt4j.timing.PerformanceReport;
import dev.trt4j.timing.SpeedupTable;
import dev.trt4j.timing.SpeedupTableText;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The summaries of benchmark runs as one JSON document, for scripts: what trtexec prints as its performance summary
 * (throughput, and min/max/mean/median/percentiles of each per-query metric in ms), one object per run. Per-query
 * times are {@link dev.trt4j.timing.TimesJson}'s job.
 */
public final class BenchmarkSummaryJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper ONE_LINE = new ObjectMapper();

    /**
     * One run and the labels it had on the command line ({@code precision} empty outside a comparison, written as
     * JSON null), and its round ({@code 1}-based; 0 outside {@code --rounds}, then written as null). It keeps the
     * result's statistics only ({@link BenchmarkResult#withoutTraces()}): the summary needs no per-query times, and
     * a sweep holds a Run for every run until its end.
     */
    public record Run(String model, String precision, BenchmarkResult result, int round) {
        public Run {
            result = result.withoutTraces();
        }

        /** A run outside {@code --rounds}. */
        public Run(String model, String precision, BenchmarkResult result) {
            this(model, precision, result, 0);
        }
    }

    private BenchmarkSummaryJson() {
    }

    /**
     * {@code {"runs": [{"model", "precision", "file", "backend", "batch", "round", "shapes", "inputs", "timing",
     * "warmUpQueries", "queries", "walltimeMs", "queriesPerSecond", "samplesPerSecond", "latencyMs", "enqueueMs",
     * "h2dMs", "computeMs", "d2hMs", "warnings"}], "speedupTable"}}; each {@code *Ms} metric is {@code {"min", "max",
     * "mean", "median", "percentiles": {"99": …}}}, or null where the backend does not measure it (enqueue on ONNX
     * Runtime, copies unless transfers are timed). {@code speedupTable} is a comparison's table in
     * {@link SpeedupTableText#json}'s layout, null when {@code table} is null. Indented, for a file.
     */
    public static String of(List<Run> runs, SpeedupTable table) {
        return write(JSON, tree(runs, table));
    }

    /** {@link #of(List, SpeedupTable)} on one line, as every command's {@code --json} prints to stdout. */
    public static String oneLine(List<Run> runs, SpeedupTable table) {
        return write(ONE_LINE, tree(runs, table));
    }

    private static String write(ObjectMapper mapper, ObjectNode root) {
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode tree(List<Run> runs, SpeedupTable table) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("runs");
        for (Run run : runs) {
            BenchmarkResult r = run.result();
            PerformanceReport p = r.report();
            ObjectNode o = array.addObject().put("model", run.model())
                    .put("precision", run.precision().isEmpty() ? null : run.precision())
                    .put("file", r.file().toString()).put("backend", r.backend()).put("batch", r.batch());
            // the order reverses every round: a script pairs runs by this; null outside --rounds, as every key
            // that an option fills
            o.put("round", run.round() > 0 ? Integer.valueOf(run.round()) : null);
            ObjectNode shapes = o.putObject("shapes");
            r.shapes().forEach((name, dims) -> {
                ArrayNode a = shapes.putArray(name);
                for (long d : dims) {
                    a.add(d);
                }
            });
            o.put("inputs", r.inputs()).put("timing", p.mode().describe())
                    .put("warmUpQueries", p.warmUpQueries()).put("queries", p.queries())
                    .put("walltimeMs", p.walltimeMs()).put("queriesPerSecond", p.queriesPerSecond())
                    .put("samplesPerSecond", p.samplesPerSecond()).put("totalComputeMs", p.totalComputeMs());
            metric(o.putObject("latencyMs"), p.latency());
            // null where the backend does not measure it: no enqueue on a synchronous CPU run, no copies unless
            // transfers are timed
            metric(o, "enqueueMs", p.mode().gpuEvents() ? p.enqueue() : null);
            metric(o, "h2dMs", p.mode().dataTransfers() ? p.h2d() : null);
            metric(o.putObject("computeMs"), p.compute());
            metric(o, "d2hMs", p.mode().dataTransfers() ? p.d2h() : null);
            ArrayNode warnings = o.putArray("warnings");
            p.warnings().stream().map(w -> w.text(p)).forEach(warnings::add);
        }
        if (table != null) {
            root.set("speedupTable", SpeedupTableText.jsonTree(table));
        } else {
            root.putNull("speedupTable");
        }
        return root;
    }

    private static void metric(ObjectNode parent, String field, MetricStatistics m) {
        if (m == null) {
            parent.putNull(field);
        } else {
            metric(parent.putObject(field), m);
        }
    }

    private static void metric(ObjectNode o, MetricStatistics m) {
        o.put("min", m.min()).put("max", m.max()).put("mean", m.mean()).put("median", m.median())
                // the stability figure trtexec prints, which a script judging a run needs too
                .put("coefficientOfVariationPercent", m.coefficientOfVariation());
        ObjectNode percentiles = o.putObject("percentiles");
        for (PercentileValue v : m.percentiles()) {
            percentiles.put(label(v.percentile()), v.value());
        }
    }

    /** 99 → "99", 99.9 → "99.9". */
    private static String label(double percentile) {
        return percentile == Math.rint(percentile) ? Long.toString((long) percentile)
                : String.format(Locale.ROOT, "%s", percentile);
    }
}
