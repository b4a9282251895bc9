package dev.trt4j.runtime;

/**
 * How an {@link InferenceSession} is set up.
 *
 * @param contexts       execution contexts in the pool: how many requests run at the same time (at least 1)
 * @param intraOpThreads ONNX Runtime: threads inside one operator, 0 = ONNX Runtime's choice (one per core)
 * @param backend        the {@link InferenceBackend#name()} to use, or null to pick by file (ONNX models to
 *                       {@code onnxruntime}, {@code .engine}/{@code .plan} files to {@code tensorrt})
 */
public record InferenceOptions(int contexts, int intraOpThreads, String backend) {
    public InferenceOptions {
        if (contexts < 1) {
            throw new IllegalArgumentException("an inference session needs at least 1 context, got " + contexts);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (automatic) or more, got " + intraOpThreads);
        }
    }

    /** One context per available processor, ONNX Runtime's thread choice, backend by file. */
    public static InferenceOptions defaults() {
        return new InferenceOptions(Runtime.getRuntime().availableProcessors(), 0, null);
    }

    /** These options with another pool size. */
    public InferenceOptions withContexts(int value) {
        return new InferenceOptions(value, intraOpThreads, backend);
    }

    /** These options with another intra-op thread count. */
    public InferenceOptions withIntraOpThreads(int value) {
        return new InferenceOptions(contexts, value, backend);
    }

    /** These options with a named backend (null: pick by file). */
    public InferenceOptions withBackend(String value) {
        return new InferenceOptions(contexts, intraOpThreads, value);
    }
}
