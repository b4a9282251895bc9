package dev.trt4j.calibrators;

import java.util.Arrays;

/**
 * Symmetric fake quantization (quantize then dequantize) with NVIDIA's float32 semantics, as in the
 * pytorch-quantization CUDA kernel: {@code scale = bound / amax}, {@code q = clamp(rint(x · scale), minBound, bound)},
 * {@code x̂ = q / scale}, every operation rounded to float32, {@code rint} rounding half to even.
 *
 * <p>{@code bound = 2^(numBits − 1 + unsigned) − 1} (127 for signed INT8, 255 unsigned). {@code minBound} is 0 when
 * unsigned, {@code −bound} for narrow range and {@code −bound − 1} otherwise. An {@code amax} below 2^-24 quantizes
 * everything to 0 (the CUDA kernel's test; the CPU fallback also zeroes {@code amax == 2^-24}).
 *
 * <p>Immutable and thread-safe.
 */
public final class FakeQuantizer {
    /** Below this amax every value quantizes to 0 (the smallest fp16 subnormal). */
    public static final float MIN_AMAX = 0x1p-24f;

    private final int bound;
    private final int minBound;

    /**
     * @param numBits     bit width, 1 to 16
     * @param unsigned    unsigned quantization: {@code minBound = 0} and one more bit of magnitude
     * @param narrowRange signed range {@code [−bound, bound]} instead of {@code [−bound − 1, bound]}
     */
    public FakeQuantizer(int numBits, boolean unsigned, boolean narrowRange) {
        if (numBits < 1 || numBits > 16) {
            throw new IllegalArgumentException("num-bits must be in [1, 16], got " + numBits);
        }
        this.bound = bound(numBits, unsigned);
        this.minBound = unsigned ? 0 : narrowRange ? -bound : -bound - 1;
    }

    /** The narrow-range quantizer for the options' bit width and signedness (what the MSE search uses). */
    public static FakeQuantizer narrowRange(CalibrationOptions options) {
        return new FakeQuantizer(options.numBits(), options.unsigned(), true);
    }

    /** {@code 2^(numBits − 1 + unsigned) − 1}: 127 for signed INT8, 255 for unsigned. */
    public static int bound(int numBits, boolean unsigned) {
        return (1 << (numBits - 1 + (unsigned ? 1 : 0))) - 1;
    }

    /** Largest quantized level. */
    public int bound() {
        return bound;
    }

    /** Smallest quantized level. */
    public int minBound() {
        return minBound;
    }

    /** {@code x} quantized to the grid of {@code amax} and mapped back. */
    public float apply(float x, float amax) {
        if (amax < MIN_AMAX) {
            return 0f;
        }
        float scale = bound / amax;
        return level(x, scale) / scale;
    }

    /**
     * Fake-quantizes {@code values} into {@code out} (which may be {@code values}) with one scale.
     *
     * @throws IllegalArgumentException if {@code out} is shorter than {@code values}
     */
    public void apply(float[] values, float amax, float[] out) {
        if (out.length < values.length) {
            throw new IllegalArgumentException("output holds " + out.length + " values, input " + values.length);
        }
        if (amax < MIN_AMAX) {
            Arrays.fill(out, 0, values.length, 0f);
            return;
        }
        float scale = bound / amax;
        for (int k = 0; k < values.length; k++) {
            out[k] = level(values[k], scale) / scale;
        }
    }

    private float level(float x, float scale) {
        float q = (float) Math.rint(x * scale);
        if (q > bound) {
            return bound;
        }
        return q < minBound ? minBound : q;
    }
}
