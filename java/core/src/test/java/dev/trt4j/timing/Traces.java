package dev.trt4j.timing;

import java.util.ArrayList;
import java.util.List;

/** Synthetic traces for tests. */
final class Traces {
    private Traces() {
    }

    /**
     * {@code n} back-to-back GPU queries: query i copies in for {@code h2d} ms from {@code start + i * period}, computes
     * {@code compute[i % compute.length]} ms, copies out for {@code d2h} ms; its enqueue takes {@code enqueue} ms.
     */
    static List<InferenceTrace> regular(int n, double start, double period, double h2d, double[] compute, double d2h,
                                        double enqueue) {
        List<InferenceTrace> traces = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double t = start + i * period;
            double c = compute[i % compute.length];
            traces.add(new InferenceTrace(t, t + enqueue, t, t + h2d, t + h2d, t + h2d + c, t + h2d + c,
                    t + h2d + c + d2h));
        }
        return traces;
    }
}
