package dev.trt4j.data;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One batch of samples: a tensor for each model input, keyed by input name, all with the same first
 * (batch) dimension {@code size}.
 *
 * @param size         the samples in the batch, its first dimension; at least 1
 * @param inputs       a tensor for each model input, by input name, in the order given
 * @param streamStarts the samples (indices in the batch) that begin a new stream, such as the first window of each
 *                     audio file: a streaming model's fed-back state starts over from zeros there
 *                     ({@link StateCarrier}). Empty for data without streams.
 */
public record Batch(int size, Map<String, HostTensor> inputs, Set<Integer> streamStarts) {
    /**
     * Copies the map and the set.
     *
     * @param size the samples in the batch, its first dimension; at least 1
     * @param inputs a tensor for each model input, by input name, in the order given
     * @param streamStarts the samples (indices in the batch) that begin a new stream, such as the first window of each
     *        audio file: a streaming model's fed-back state starts over from zeros there
     *        ({@link StateCarrier}). Empty for data without streams.
     * @throws IllegalArgumentException if {@code size} is below 1 or a stream start lies outside the batch
     */
    public Batch {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + size);
        }
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        streamStarts = Collections.unmodifiableSet(new TreeSet<>(streamStarts));
        for (int i : streamStarts) {
            if (i < 0 || i >= size) {
                throw new IllegalArgumentException("stream start " + i + " is outside a batch of " + size);
            }
        }
    }

    /** A batch without stream starts. */
    public Batch(int size, Map<String, HostTensor> inputs) {
        this(size, inputs, Set.of());
    }

    /**
     * Checks that each input whose first dimension the model leaves open holds {@link #size()} samples along it: a
     * data source implemented outside trt4j could say one size and deliver another, and every pass would then count
     * (and cut) samples wrongly. Other inputs are not held to it: a scalar has no batch, and a fixed first dimension
     * need not be one (a stream state {@code [2,N,128]} given by the data).
     *
     * @param data        the data's name for the message, e.g. its {@code describe()}
     * @param modelInputs the model's inputs; those missing from the batch are reported where it is fed
     * @throws Trt4jException naming the data, the input, its shape and the batch size
     */
    public void requireBatchDimension(String data, List<TensorSpec> modelInputs) {
        for (TensorSpec spec : modelInputs) {
            HostTensor tensor = inputs.get(spec.name());
            if (tensor == null || spec.rank() == 0 || spec.dims()[0] >= 0) {
                continue;
            }
            long[] shape = tensor.shape();
            if (shape.length == 0 || shape[0] != size) {
                throw new Trt4jException(data + ": a batch of " + size + (size == 1 ? " sample" : " samples")
                        + " holds input '" + spec.name() + "' of shape " + Arrays.toString(shape) + "; its first "
                        + "dimension must be the batch size");
            }
        }
    }

    /**
     * Checks that every float input holds only finite values: NaN or infinity in the data would otherwise surface as
     * a non-finite activation deep in the model, or as NaN metrics.
     *
     * @param data        the data's name for the message, e.g. its file
     * @param firstSample the index of this batch's first sample in the data
     * @throws Trt4jException naming the data, the sample, the input and the value
     */
    public void requireFinite(String data, long firstSample) {
        for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
            HostTensor t = e.getValue();
            if (t.type() != ElementType.FLOAT32) {
                continue;
            }
            float[] v = t.floats();
            long[] shape = t.shape();
            // Only an input whose first dimension is the batch tells the sample; a scalar or a state [2,N,128] not.
            boolean bySample = shape.length > 0 && shape[0] == size;
            int perSample = bySample ? v.length / size : v.length;
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new Trt4jException(data + ": " + (bySample ? "sample " + (firstSample + i / perSample)
                            + " holds " + v[i] + " in input '" + e.getKey() + "' (value " + i % perSample
                            + " of the sample)" : "input '" + e.getKey() + "' " + Arrays.toString(shape) + " holds "
                            + v[i] + " (value " + i + ")") + "; the model needs finite inputs");
                }
            }
        }
    }

    /**
     * The first {@code n} samples: each input whose first dimension the model leaves open is cut along it, and a
     * scalar (shared by every sample) is kept.
     *
     * @param modelInputs the model's inputs, which say where the samples are
     * @param data        the data's name for the message
     * @throws IllegalArgumentException unless {@code 1 <= n <= size}
     * @throws Trt4jException if another input has a fixed first dimension (a stream state {@code [2,N,128]}, a model
     *                        that only takes whole batches): where its samples lie is not known, so it cannot be cut
     */
    public Batch firstSamples(int n, List<TensorSpec> modelInputs, String data) {
        if (n < 1 || n > size) {
            throw new IllegalArgumentException("cannot take " + n + " samples of a batch of " + size);
        }
        if (n == size) {
            return this;
        }
        for (TensorSpec spec : modelInputs) {
            HostTensor t = inputs.get(spec.name());
            if (t != null && spec.rank() > 0 && spec.dims()[0] >= 0) {
                throw new Trt4jException(data + ": cannot take the first " + n + " of a batch of " + size
                        + " samples: input '" + spec.name() + "' " + spec.shapeText() + " has a fixed first "
                        + "dimension, so where its samples lie is not known; ask for a multiple of the batch size, "
                        + "or no sample limit");
            }
        }
        Map<String, HostTensor> cut = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
            HostTensor t = e.getValue();
            long[] shape = t.shape();
            if (shape.length == 0) {
                cut.put(e.getKey(), t);
                continue;
            }
            int length = Math.toIntExact(t.elementCount() / shape[0] * n);
            shape[0] = n;
            cut.put(e.getKey(), switch (t.type()) {
                case FLOAT32 -> HostTensor.ofFloats(shape, Arrays.copyOf(t.floats(), length));
                case INT64 -> HostTensor.ofLongs(shape, Arrays.copyOf(t.longs(), length));
                case INT32 -> HostTensor.ofInts(shape, Arrays.copyOf(t.ints(), length));
                default -> throw new IllegalStateException("HostTensor of type " + t.type());
            });
        }
        return new Batch(n, cut, streamStarts.stream().filter(i -> i < n).collect(Collectors.toSet()));
    }
}
