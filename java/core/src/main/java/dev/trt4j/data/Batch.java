package dev.trt4j.data;

import dev.trt4j.tensor.HostTensor;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One batch of samples: a tensor for each model input, keyed by input name, all with the same first
 * (batch) dimension {@code size}.
 */
public record Batch(int size, Map<String, HostTensor> inputs) {
    public Batch {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + size);
        }
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }

    /**
     * The first {@code n} samples (every input's first dimension is the batch).
     *
     * @throws IllegalArgumentException unless {@code 1 <= n <= size}
     */
    public Batch firstSamples(int n) {
        if (n < 1 || n > size) {
            throw new IllegalArgumentException("cannot take " + n + " samples of a batch of " + size);
        }
        if (n == size) {
            return this;
        }
        Map<String, HostTensor> cut = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
            HostTensor t = e.getValue();
            long[] shape = t.shape();
            int length = Math.toIntExact(t.elementCount() / shape[0] * n);
            shape[0] = n;
            cut.put(e.getKey(), switch (t.type()) {
                case FLOAT32 -> HostTensor.ofFloats(shape, Arrays.copyOf(t.floats(), length));
                case INT64 -> HostTensor.ofLongs(shape, Arrays.copyOf(t.longs(), length));
                case INT32 -> HostTensor.ofInts(shape, Arrays.copyOf(t.ints(), length));
                default -> throw new IllegalStateException("HostTensor of type " + t.type());
            });
        }
        return new Batch(n, cut);
    }
}
