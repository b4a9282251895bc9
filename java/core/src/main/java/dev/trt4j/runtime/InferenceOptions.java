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
 * @param maxQueued      how many {@link InferenceSession#runAsync(java.util.Map)} requests may wait for a context
 *                       before further ones are refused (a service under overload pushes back rather than queueing
 *                       work its callers have given up on); 0 = no limit
 */
public record InferenceOptions(int contexts, int intraOpThreads, String backend, int maxQueued) {
    /**
     * Checks the counts.
     *
     * @param contexts       execution contexts in the pool, at least 1
     * @param intraOpThreads ONNX Runtime's intra-op threads, one pool for the session, 0 for ONNX Runtime's choice
     * @param backend        the backend's name, or null to pick by file
     * @param maxQueued      asynchronous requests that may wait, 0 for no limit
     * @throws IllegalArgumentException if {@code contexts} is below 1, or {@code intraOpThreads} or {@code maxQueued}
     *                                  is negative
     */
    public InferenceOptions {
        if (contexts < 1) {
            throw new IllegalArgumentException("an inference session needs at least 1 context, got " + contexts);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (automatic) or more, got " + intraOpThreads);
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("queued requests must be 0 (no limit) or more, got " + maxQueued);
        }
    }

    /** Options without a limit on queued requests. */
    public InferenceOptions(int contexts, int intraOpThreads, String backend) {
        this(contexts, intraOpThreads, backend, 0);
    }

    /** {@return one context per available processor, ONNX Runtime's thread choice, backend by file, no queue limit} */
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
        return new InferenceOptions(value, intraOpThreads, backend, maxQueued);
    }

    /**
     * {@return these options with another intra-op thread count}
     *
     * @param value ONNX Runtime's intra-op threads (one pool, shared by the contexts), 0 for ONNX Runtime's choice
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public InferenceOptions withIntraOpThreads(int value) {
        return new InferenceOptions(contexts, value, backend, maxQueued);
    }

    /**
     * {@return these options with a named backend (null: pick by file)}
     *
     * @param value an {@link InferenceBackend#name()}, e.g. {@code onnxruntime} or {@code tensorrt}; not checked
     *              until {@link InferenceSession#open} looks it up
     */
    public InferenceOptions withBackend(String value) {
        return new InferenceOptions(contexts, intraOpThreads, value, maxQueued);
    }

    /**
     * {@return these options with a limit on queued asynchronous requests}
     *
     * @param value requests that may wait for a context, 0 for no limit; past it {@code runAsync} throws
     *              {@link java.util.concurrent.RejectedExecutionException}
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public InferenceOptions withMaxQueued(int value) {
        return new InferenceOptions(contexts, intraOpThreads, backend, value);
    }
}
