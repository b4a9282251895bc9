package dev.trt4j.timing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@link LayerProfile} as lines for a terminal: time by operator type, then the slowest layers. */
public final class LayerProfileText {
    private LayerProfileText() {
    }

    /**
     * The profile's lines, without line ends. The first sets the layers' time per query beside the timed run's
     * median latency, and says where it is the larger: the layers run one after another within a query, so only the
     * profiler's own time can make their sum exceed the latency (ONNX Runtime's adds some microseconds to every
     * node's kernel time, 1.8× the latency of a 235-node classifier on one thread), and that time inflates the
     * shares of the cheap layers most.
     *
     * @param source    what measured it, for the heading, for example {@code ONNX Runtime's profiler}
     * @param latencyMs the timed run's median latency per query, in ms
     * @param slowest   how many of the slowest layers to list
     */
    public static List<String> lines(LayerProfile profile, String source, double latencyMs, int slowest) {
        List<String> lines = new ArrayList<>();
        boolean above = profile.averageMs() > latencyMs;
        lines.add(String.format(Locale.ROOT, "Layer profile (%s, a separate run of %d %s): %.4f ms per query in "
                + "%d layers, %s the timed run's median latency of %.4f ms%s", source, profile.queries(),
                profile.queries() == 1 ? "query" : "queries", profile.averageMs(), profile.layers().size(),
                above ? "above" : "against", latencyMs, above ? ": " + source + " adds time of its own to every "
                + "layer's, so the shares of cheap layers read high" : ""));
        List<LayerProfile.OperatorTime> ops = profile.byOperator();
        int opWidth = Math.max("Operator".length(),
                ops.stream().mapToInt(o -> o.operator().length()).max().orElse(0));
        lines.add(String.format(Locale.ROOT, "  %-" + opWidth + "s  %10s  %7s  %6s", "Operator", "Avg (ms)", "Share",
                "Layers"));
        for (LayerProfile.OperatorTime o : ops) {
            lines.add(String.format(Locale.ROOT, "  %-" + opWidth + "s  %10.4f  %6.2f%%  %6d", o.operator(),
                    o.averageMs(), o.percentage(), o.layers()));
        }
        List<LayerProfile.Layer> top = profile.slowest(slowest);
        if (!top.isEmpty()) {
            lines.add(String.format(Locale.ROOT, "  Slowest %d %s:", top.size(), top.size() == 1 ? "layer" : "layers"));
            lines.add(String.format(Locale.ROOT, "  %10s  %11s  %7s  %s", "Avg (ms)", "Median (ms)", "Share",
                    "Layer (operator)"));
            for (LayerProfile.Layer l : top) {
                lines.add(String.format(Locale.ROOT, "  %10.4f  %11.4f  %6.2f%%  %s (%s)", l.averageMs(),
                        l.medianMs(), profile.percentage(l), l.name(), l.operator()));
            }
        }
        return lines;
    }
}
