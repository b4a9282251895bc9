package dev.trt4j.timing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link PerformanceReport} as the lines of trtexec's "Performance summary", so the two read side by side. CPU
 * runs leave out the enqueue and copy lines, which a synchronous wall-clock run does not measure apart.
 */
public final class PerformanceReportText {
    private PerformanceReportText() {
    }

    /** The summary lines, warnings last (each starting with {@code * }). */
    public static List<String> lines(PerformanceReport r) {
        List<String> lines = new ArrayList<>();
        boolean gpu = r.mode().gpuEvents();
        lines.add("Timing: " + r.mode().describe());
        lines.add("Warm-up: " + r.warmUpQueries() + " queries; timing trace: " + r.queries() + " queries over "
                + number(r.walltimeMs() / 1000) + " s");
        lines.add("Throughput: " + number(r.queriesPerSecond()) + " qps, " + number(r.samplesPerSecond())
                + " samples/s (batch " + r.samplesPerQuery() + ")");
        lines.add("Latency: " + metric(r.latency()));
        if (gpu) {
            lines.add("Enqueue Time: " + metric(r.enqueue()));
            lines.add("H2D Latency: " + metric(r.h2d()));
            lines.add("GPU Compute Time: " + metric(r.compute()));
            lines.add("D2H Latency: " + metric(r.d2h()));
        }
        lines.add("Total Host Walltime: " + number(r.walltimeMs() / 1000) + " s");
        lines.add((gpu ? "Total GPU Compute Time: " : "Total Compute Time: ") + number(r.totalComputeMs() / 1000)
                + " s");
        for (TimingWarning w : r.warnings()) {
            lines.add("* " + w.text());
        }
        return lines;
    }

    /** One metric in trtexec's wording, e.g. {@code min = 1.2 ms, max = ..., percentile(99%) = 1.4 ms, CoV = 0.8 %}. */
    public static String metric(MetricStatistics m) {
        StringBuilder sb = new StringBuilder();
        sb.append("min = ").append(number(m.min())).append(" ms, max = ").append(number(m.max()))
                .append(" ms, mean = ").append(number(m.mean())).append(" ms, median = ").append(number(m.median()))
                .append(" ms");
        for (PercentileValue p : m.percentiles()) {
            sb.append(", percentile(").append(number(p.percentile())).append("%) = ").append(number(p.value()))
                    .append(" ms");
        }
        return sb.append(", CoV = ").append(number(m.coefficientOfVariation())).append(" %").toString();
    }

    /** Six significant digits, as C++ streams print floats by default. */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) {
            return s;
        }
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "");
            s = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }
        return s;
    }
}
