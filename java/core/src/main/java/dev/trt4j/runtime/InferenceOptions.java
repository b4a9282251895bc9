package dev.trt4j.runtime;

/**
 * How an {@link InferenceSession} is set up.
 *
 * @param contexts       execution contexts in the pool: how many requests run at the same time (at least 1)
 * @param intraOpThreads ONNX Runtime: the threads of the session's one intra-op pool, which every context's runs share
 *                       (a run also computes on its caller's thread); 1 = no pool, each run on its caller's thread;
 *                       0 = ONNX Runtime's choice (about one per core)
 * @param backend        the {@link InferenceBackend#name()} to use, or null to pick by file (ONNX models to
 *                       {@code onnxruntime}, {@code .engine}/{@code .plan} files to {@code tensorrt})
 */
public record InferenceOptions(int contexts, int intraOpThreads, String backend) {
    /**
     * Checks the counts.
     *
     * @param contexts       execution contexts in the pool, at least 1
     * @param intraOpThreads ONNX Runtime's intra-op threads, one pool for the session, 0 for ONNX Runtime's choice
     * @param backend        the backend's name, or null to pick by file
     * @throws IllegalArgumentException if {@code contexts} is below 1 or {@code intraOpThreads} is negative
     */
    public InferenceOptions {
        if (contexts < 1) {
            throw new IllegalArgumentException("an inference session needs at least 1 context, got " + contexts);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (automatic) or more, got " + intraOpThreads);
        }
    }

    /** {@return one context per available processor, ONNX Runtime's thread choice, backend by file} */
    public static InferenceOptions defaults() {
        return new InferenceOptions(Runtime.getRuntime().availableProcessors(), 0, null);
    }

    /**
     * {@return these options with another pool size}
     *
     * @param value execution contexts, at least 1
     * @throws IllegalArgumentException if {@code value} is below 1
     */
    public InferenceOptions withContexts(int value) {
        return new InferenceOptions(value, intraOpThreads, backend);
    }

    /**
     * {@return these options with another intra-op thread count}
     *
     * @param value ONNX Runtime's intra-op threads (one pool, shared by the contexts), 0 for ONNX Runtime's choice
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public InferenceOptions withIntraOpThreads(int value) {
        return new InferenceOptions(contexts, value, backend);
    }

    /**
     * {@return these options with a named backend (null: pick by file)}
     *
     * @param value an {@link InferenceBackend#name()}, e.g. {@code onnxruntime} or {@code tensorrt}; not checked
     *              until {@link InferenceSession#open} looks it up
     */
    public InferenceOptions withBackend(String value) {
        return new InferenceOptions(contexts, intraOpThreads, value);
    }
}
