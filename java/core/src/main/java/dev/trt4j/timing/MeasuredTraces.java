package dev.trt4j.timing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A run's traces split as trtexec splits them: sorted by host-to-device start, everything before the first trace
 * whose compute starts at or after the warm-up threshold is warm-up, the rest is measured.
 *
 * @param warmUpQueries the number of warm-up traces dropped
 * @param measured      the measured traces, in order
 */
public record MeasuredTraces(int warmUpQueries, List<InferenceTrace> measured) {
    public MeasuredTraces {
        measured = List.copyOf(measured);
    }

    /**
     * Splits {@code traces} (any order) at {@code measuredFromMs}.
     *
     * @param measuredFromMs compute-start time (ms since the origin) from which queries count
     * @throws IllegalArgumentException if no trace is measured
     */
    public static MeasuredTraces split(List<InferenceTrace> traces, double measuredFromMs) {
        List<InferenceTrace> sorted = new ArrayList<>(traces);
        sorted.sort(Comparator.comparingDouble(InferenceTrace::startH2dMs));
        int first = 0;
        while (first < sorted.size() && sorted.get(first).startComputeMs() < measuredFromMs) {
            first++;
        }
        if (first == sorted.size()) {
            throw new IllegalArgumentException("no query started computing at or after " + measuredFromMs
                    + " ms; all " + sorted.size() + " were warm-up");
        }
        return new MeasuredTraces(first, sorted.subList(first, sorted.size()));
    }

    /**
     * trtexec's "Total Host Walltime" (ms): the last measured query's device-to-host end minus the first measured
     * query's host-to-device start, on the device timeline.
     */
    public double walltimeMs() {
        return measured.get(measured.size() - 1).endD2hMs() - measured.get(0).startH2dMs();
    }
}
