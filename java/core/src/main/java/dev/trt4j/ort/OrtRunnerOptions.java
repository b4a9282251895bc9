package dev.trt4j.ort;

/**
 * How an {@link OrtModelRunner} sets up its ONNX Runtime session.
 *
 * @param intraOpThreads     threads ONNX Runtime uses inside one operator; 0 lets ONNX Runtime choose (one per
 *                           physical core)
 * @param graphOptimizations apply ONNX Runtime's graph optimisations (fusions, constant folding). Off runs the
 *                           graph node by node as written, which is what activation statistics need.
 */
public record OrtRunnerOptions(int intraOpThreads, boolean graphOptimizations) {
    public OrtRunnerOptions {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (automatic) or more, got " + intraOpThreads);
        }
    }

    /** ONNX Runtime's thread count, all graph optimisations on. */
    public static OrtRunnerOptions defaults() {
        return new OrtRunnerOptions(0, true);
    }

    /** These options with another thread count (0 = automatic). */
    public OrtRunnerOptions withIntraOpThreads(int threads) {
        return new OrtRunnerOptions(threads, graphOptimizations);
    }

    /** These options with graph optimisations on or off. */
    public OrtRunnerOptions withGraphOptimizations(boolean on) {
        return new OrtRunnerOptions(intraOpThreads, on);
    }
}
