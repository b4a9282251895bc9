package dev.trt4j.calibrators;

/**
 * Parameters shared by the calibration methods. Each method reads the ones it needs and ignores the rest.
 *
 * @param numBits          quantized bit width (8 for INT8)
 * @param unsigned         unsigned quantization (bound 255 instead of 127 for 8 bits)
 * @param startBin         first candidate bin count of the entropy and MSE searches (NVIDIA default 128)
 * @param stride           step between candidates of the entropy and MSE searches
 * @param percentile       percentile in [0, 100] for the percentile method
 * @param trtEntropyThreshold return TensorRT's {@code (i + 0.5)·width} entropy threshold instead of the
 *                         pytorch-quantization/ModelOpt edge {@code edges[i]}
 */
public record CalibrationOptions(int numBits, boolean unsigned, int startBin, int stride, double percentile,
                                 boolean trtEntropyThreshold) {

    /** NVIDIA's defaults: 8 bits signed, start bin 128, stride 1, percentile 99.99, ModelOpt entropy edge. */
    public static CalibrationOptions defaults() {
        return new CalibrationOptions(8, false, 128, 1, 99.99, false);
    }

    /**
     * @param numBits quantized bit width (8 for INT8)
     * @param unsigned unsigned quantization (bound 255 instead of 127 for 8 bits)
     * @param startBin first candidate bin count of the entropy and MSE searches (NVIDIA default 128)
     * @param stride step between candidates of the entropy and MSE searches
     * @param percentile percentile in [0, 100] for the percentile method
     * @param trtEntropyThreshold return TensorRT's {@code (i + 0.5)·width} entropy threshold instead of the
     *        pytorch-quantization/ModelOpt edge {@code edges[i]}
     * @throws IllegalArgumentException if {@code numBits} is outside [1, 16], {@code startBin} or {@code stride} is
     *                                  below 1, or {@code percentile} is NaN or outside [0, 100]
     */
    public CalibrationOptions {
        if (numBits < 1 || numBits > 16) {
            throw new IllegalArgumentException("num-bits must be in [1, 16], got " + numBits);
        }
        if (startBin < 1) {
            throw new IllegalArgumentException("start-bin must be at least 1, got " + startBin);
        }
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be at least 1, got " + stride);
        }
        if (Double.isNaN(percentile) || percentile < 0 || percentile > 100) {
            throw new IllegalArgumentException("percentile must be in range 0 <= percentile <= 100, got " + percentile);
        }
    }

    /** These options with another percentile, in [0, 100]. */
    public CalibrationOptions withPercentile(double p) {
        return new CalibrationOptions(numBits, unsigned, startBin, stride, p, trtEntropyThreshold);
    }

    /** These options with another bit width, in [1, 16]. */
    public CalibrationOptions withNumBits(int bits) {
        return new CalibrationOptions(bits, unsigned, startBin, stride, percentile, trtEntropyThreshold);
    }

    /** These options, signed or unsigned. */
    public CalibrationOptions withUnsigned(boolean u) {
        return new CalibrationOptions(numBits, u, startBin, stride, percentile, trtEntropyThreshold);
    }

    /** These options with another first candidate bin count of the entropy and MSE searches. */
    public CalibrationOptions withStartBin(int s) {
        return new CalibrationOptions(numBits, unsigned, s, stride, percentile, trtEntropyThreshold);
    }

    /** These options with another step between candidates of the entropy and MSE searches. */
    public CalibrationOptions withStride(int s) {
        return new CalibrationOptions(numBits, unsigned, startBin, s, percentile, trtEntropyThreshold);
    }

    /** These options with TensorRT's entropy threshold ({@code true}) or ModelOpt's bin edge. */
    public CalibrationOptions withTrtEntropyThreshold(boolean t) {
        return new CalibrationOptions(numBits, unsigned, startBin, stride, percentile, t);
    }
}
