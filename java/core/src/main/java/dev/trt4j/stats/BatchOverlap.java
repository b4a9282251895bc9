package dev.trt4j.stats;

/**
 * Whether the statistics pass bins one batch's tensors while ONNX Runtime runs the next. Overlapping holds two
 * batches of exposed tensors instead of one; the statistics are the same either way.
 */
public enum BatchOverlap {
    /**
     * Overlap on machines with at least {@link #AUTO_MIN_PROCESSORS} processors, where a second batch of exposed
     * tensors takes at most a quarter of the Java heap's limit (which also bounds the direct buffers they are
     * written into, unless {@code -XX:MaxDirectMemorySize} says otherwise). On a 16-core Xeon overlapping made the
     * pass 6–15 % faster for MiniLM and 22–31 % for the PP-OCR classifier, as ONNX Runtime's runs leave cores the
     * workers can use; on 2 cores, where a run keeps both busy, it gained nothing (docs/benchmarks.md).
     */
    AUTO,
    /** Always overlap. */
    ON,
    /** Bin each batch between runs: one batch of exposed tensors in memory. */
    OFF;

    /** Processors from which {@link #AUTO} overlaps. */
    public static final int AUTO_MIN_PROCESSORS = 8;

    /** {@return whether a pass on a machine with {@code processors} processors may overlap, before it knows sizes} */
    public boolean mayOverlap(int processors) {
        return this == ON || this == AUTO && processors >= AUTO_MIN_PROCESSORS;
    }

    /**
     * {@return whether a pass overlaps}
     *
     * @param processors  the machine's processors
     * @param batchBytes  what one batch of exposed tensors takes
     * @param memoryLimit the Java heap's limit ({@link Runtime#maxMemory()})
     */
    public boolean overlaps(int processors, long batchBytes, long memoryLimit) {
        return mayOverlap(processors) && (this == ON || batchBytes <= memoryLimit / 4);
    }
}
