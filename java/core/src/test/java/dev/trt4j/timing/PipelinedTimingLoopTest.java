package dev.trt4j.timing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PipelinedTimingLoopTest {
    /** A fake device: each enqueued query computes for 4 ms on one in-order queue; logs every call. */
    private static final class FakeDevice implements TimedInference {
        final List<String> calls = new ArrayList<>();
        final Map<Integer, InferenceTrace> slots = new HashMap<>();
        double queueFreeAt;
        double hostNow;

        @Override
        public void enqueue(int slot) {
            calls.add("enqueue " + slot);
            double start = Math.max(queueFreeAt, hostNow);
            queueFreeAt = start + 4;
            slots.put(slot, InferenceTrace.withoutTransfers(hostNow, hostNow + 0.1, start, start + 4));
            hostNow += 0.1;
        }

        @Override
        public InferenceTrace await(int slot) {
            calls.add("await " + slot);
            InferenceTrace t = slots.remove(slot);
            hostNow = Math.max(hostNow, t.endComputeMs() + 0.05); // the host wakes up a little after the event
            return t;
        }
    }

    private static TimingSettings settings(int depth) {
        return TimingSettings.builder().warmUpMs(10).minWarmUpQueries(0).minIterations(5).durationMs(0)
                .pipelineDepth(depth).build();
    }

    @Test
    void depthTwoKeepsOneQueryQueuedWhileAwaitingThePreviousOne() {
        FakeDevice device = new FakeDevice();
        PipelinedTimingLoop.Run run = PipelinedTimingLoop.run(device, settings(2));
        assertThat(device.calls.subList(0, 6))
                .containsExactly("enqueue 0", "enqueue 1", "await 0", "enqueue 0", "await 1", "enqueue 1");
        assertThat(device.calls.get(device.calls.size() - 1)).startsWith("await");
        assertThat(device.slots).isEmpty();
        // the queue never idles: each query starts computing when the previous one ends
        List<InferenceTrace> traces = run.traces();
        for (int i = 1; i < traces.size(); i++) {
            assertThat(traces.get(i).startComputeMs()).isEqualTo(traces.get(i - 1).endComputeMs());
        }
        // warm-up: compute starts 0, 4, 8 (< 10); then 5 measured, plus the one drained from the pipeline
        MeasuredTraces split = run.split();
        assertThat(split.warmUpQueries()).isEqualTo(3);
        assertThat(split.measured()).hasSize(6);
        assertThat(run.measuredFromMs()).isEqualTo(12);
    }

    @Test
    void depthOneRunsQueriesOneAtATime() {
        FakeDevice device = new FakeDevice();
        PipelinedTimingLoop.Run run = PipelinedTimingLoop.run(device, settings(1));
        for (int i = 0; i < device.calls.size(); i += 2) {
            assertThat(device.calls.subList(i, i + 2)).containsExactly("enqueue 0", "await 0");
        }
        assertThat(run.split().measured()).hasSize(5);
        // the host waits for each query before it enqueues the next, so the device idles between queries
        List<InferenceTrace> traces = run.traces();
        assertThat(traces.get(1).startComputeMs()).isGreaterThan(traces.get(0).endComputeMs());
    }
}
