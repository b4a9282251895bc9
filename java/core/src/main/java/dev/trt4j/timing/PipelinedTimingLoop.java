package dev.trt4j.timing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * trtexec's inference loop: with depth 2, one query is always queued while the one before it is awaited (enqueue
 * 0, enqueue 1, await 0, enqueue 2, await 1, ...); with depth 1, queries run one at a time. Each awaited query is
 * fed to an {@link IterationSchedule} until it has enough; the queries still in flight are then drained and kept.
 */
public final class PipelinedTimingLoop {
    private PipelinedTimingLoop() {
    }

    /** The traces of one run, warm-up included, and the threshold that splits them. */
    public record Run(List<InferenceTrace> traces, double measuredFromMs) {
        public Run {
            traces = List.copyOf(traces);
        }

        /** The traces split into warm-up and measured ones. */
        public MeasuredTraces split() {
            return MeasuredTraces.split(traces, measuredFromMs);
        }
    }

    /**
     * Runs queries until {@code settings}' stop rule is met.
     *
     * @param inference runs and times the queries
     * @param settings  warm-up, iterations, duration and pipeline depth
     */
    public static Run run(TimedInference inference, TimingSettings settings) {
        int depth = settings.pipelineDepth();
        IterationSchedule schedule = new IterationSchedule(settings);
        List<InferenceTrace> traces = new ArrayList<>();
        Deque<Integer> inFlight = new ArrayDeque<>(depth);
        int next = 0;
        boolean more = true;
        while (more) {
            inference.enqueue(next);
            inFlight.addLast(next);
            next = (next + 1) % depth;
            if (inFlight.size() == depth) {
                InferenceTrace trace = inference.await(inFlight.removeFirst());
                traces.add(trace);
                more = schedule.record(trace.startComputeMs());
            }
        }
        while (!inFlight.isEmpty()) {
            traces.add(inference.await(inFlight.removeFirst()));
        }
        return new Run(traces, schedule.measuredFromMs());
    }
}
