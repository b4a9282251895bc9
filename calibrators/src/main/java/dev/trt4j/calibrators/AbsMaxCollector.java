package dev.trt4j.calibrators;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * The largest magnitude of a tensor over any number of batches, and nothing else: the cheap first pass of a
 * two-pass calibration, whose result starts each histogram at the data's whole range
 * ({@link HistogramCollector#startRange}). Rejects NaN and infinity as {@link HistogramCollector} does.
 *
 * <p>Not thread-safe.
 */
public final class AbsMaxCollector {
    private final String tensorName;
    /** Scratch for reading direct buffers; made on first use. */
    private float[] chunk;
    private float absMax;
    private long count;

    /** @param tensorName name used in error messages */
    public AbsMaxCollector(String tensorName) {
        this.tensorName = Objects.requireNonNull(tensorName, "tensorName");
    }

    /**
     * Adds the values from the buffer's position to its limit, without changing the position.
     *
     * @throws CalibrationException if a value is NaN or infinite
     */
    public void collect(FloatBuffer data) {
        if (chunk == null) {
            chunk = new float[FloatValues.CHUNK];
        }
        FloatValues.of(data).forEachChunk(chunk, 0, (values, offset, length, first) -> {
            float max = absMax;
            for (int i = offset, end = offset + length; i < end; i++) {
                float a = Math.abs(values[i]);
                if (!(a <= Float.MAX_VALUE)) {
                    throw CalibrationException.notFinite(tensorName, values[i], first + i - offset);
                }
                max = a > max ? a : max;
            }
            absMax = max;
            return true;
        });
        count += data.remaining();
    }

    /** The tensor this collector gathers. */
    public String name() {
        return tensorName;
    }

    /** Largest magnitude so far; 0 before any value. */
    public float absMax() {
        return absMax;
    }

    /** Values added so far. */
    public long count() {
        return count;
    }
}
