package dev.trt4j.timing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link PerformanceReport} as the lines of trtexec's "Performance summary", so the two read side by side. CPU
 * runs leave out the enqueue and copy lines, which a synchronous wall-clock run does not measure apart.
 */
public final class PerformanceReportText {
    /** A C++ stream's default precision for floats. */
    private static final MathContext SIX_DIGITS = new MathContext(6, RoundingMode.HALF_EVEN);

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
            lines.add("* " + w.text(r));
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

    /**
     * A number as a C++ stream prints it by default, so the lines read as trtexec's: {@code %g} with six significant
     * digits, trailing zeros dropped in both forms ({@code 0.0022}, {@code 4.9574e-05}, {@code 1e-07}), the exponent
     * form below 1e-4 and from 1e6, and {@code inf} or {@code nan} for the rest. The digits are rounded from the
     * double's exact value, half to even, as C's library does; Java's {@code %g} rounds its shortest decimal
     * form half up, which differs on ties.
     */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        }
        BigDecimal rounded = new BigDecimal(v).round(SIX_DIGITS);
        int exponent = rounded.precision() - rounded.scale() - 1; // of the leading digit
        if (exponent < -4 || exponent >= SIX_DIGITS.getPrecision()) {
            String mantissa = withoutTrailingZeros(rounded.movePointLeft(exponent).toPlainString());
            return mantissa + (exponent < 0 ? "e-" : "e+") + (Math.abs(exponent) < 10 ? "0" : "")
                    + Math.abs(exponent);
        }
        return withoutTrailingZeros(rounded.toPlainString());
    }

    /** {@code 4.95740} → {@code 4.9574}, {@code 1.00000} → {@code 1}; a number without a point as it is. */
    private static String withoutTrailingZeros(String plain) {
        if (!plain.contains(".")) {
            return plain;
        }
        String s = plain.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
