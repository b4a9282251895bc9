package dev.trt4j.data;

import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The values of {@link SyntheticSource}, for a tensor of any shape: floats uniform in {@code [0, 1)} or standard
 * normal; integers uniform in {@code [0, vocabSize)} (default {@code [0, 10)}; at most {@code [0, 2)} for bool inputs,
 * {@code [0, 128)} for int8 and {@code [0, 256)} for uint8), except inputs named like {@code attention_mask}
 * (all 1) and {@code token_type_ids} (all 0). Not thread-safe: one sequence of values per seed, in the order tensors
 * are asked for.
 */
public final class SyntheticValues {
    private final SplittableRandom random;
    private final SyntheticSource.Distribution distribution;
    private final int vocabSize;

    /**
     * @param seed         the seed of the one sequence of values
     * @param distribution of float values
     * @param vocabSize    bound of integer values, 0 for 10
     */
    public SyntheticValues(long seed, SyntheticSource.Distribution distribution, int vocabSize) {
        this.random = new SplittableRandom(seed);
        this.distribution = distribution;
        this.vocabSize = vocabSize;
    }

    /** A tensor of {@code shape} (a scalar for an empty one) for model input {@code in}: floats for float types. */
    public HostTensor tensor(TensorSpec in, long[] shape) {
        int n = Math.toIntExact(HostTensor.elementCount(shape));
        return switch (in.type()) {
            case FLOAT32, FLOAT16 -> HostTensor.ofFloats(shape, floats(n));
            case INT64 -> HostTensor.ofLongs(shape, integers(in.name(), n, Integer.MAX_VALUE));
            default -> {
                // one-byte inputs get only values they hold: the engine refuses a bool input of 2
                int limit = switch (in.type()) {
                    case BOOL -> 2;
                    case INT8 -> 128;
                    case UINT8 -> 256;
                    default -> Integer.MAX_VALUE;
                };
                long[] values = integers(in.name(), n, limit);
                int[] ints = new int[n];
                for (int i = 0; i < n; i++) {
                    ints[i] = (int) values[i];
                }
                yield HostTensor.ofInts(shape, ints);
            }
        };
    }

    private float[] floats(int n) {
        float[] v = new float[n];
        boolean normal = distribution == SyntheticSource.Distribution.NORMAL;
        for (int i = 0; i < n; i++) {
            v[i] = (float) (normal ? random.nextGaussian() : random.nextDouble());
        }
        return v;
    }

    private long[] integers(String name, int n, int limit) {
        long[] v = new long[n];
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.contains("attention_mask")) {
            Arrays.fill(v, 1);
        } else if (!lower.contains("token_type_ids")) {
            int bound = Math.min(vocabSize > 0 ? vocabSize : 10, limit);
            for (int i = 0; i < n; i++) {
                v[i] = random.nextInt(bound);
            }
        }
        return v;
    }
}
