package dev.trt4j.quantize;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibrators.CalibrationException;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.Calibrators;
import dev.trt4j.calibrators.PerChannelMaxCollector;
import dev.trt4j.calibrators.TensorStatisticsCollector;

import java.util.List;
import java.util.Objects;

/**
 * Picks the clipping magnitude (amax) of constant weights, per output channel or for the whole tensor. {@link
 * #max()} takes max |w| (NVIDIA's default for weights). {@link #histogram} applies a calibration method to a
 * {@value #HISTOGRAM_BINS}-bin magnitude histogram of each channel, as pytorch-quantization's
 * {@code calibrate_weights} does for percentile and MSE.
 */
public final class WeightCalibrator {
    /** Bins of each channel's histogram (NVIDIA's default). */
    public static final int HISTOGRAM_BINS = 2048;

    private static final WeightCalibrator MAX = new WeightCalibrator(null, null);

    private final Calibrator method;
    private final CalibrationOptions options;

    private WeightCalibrator(Calibrator method, CalibrationOptions options) {
        this.method = method;
        this.options = options;
    }

    /** The smallest max |w| whose histogram bins are each at least one normal float32 wide. */
    static final float SMALLEST_HISTOGRAM_MAX = Float.MIN_NORMAL * HISTOGRAM_BINS;

    /** amax = max |w| of each channel. */
    public static WeightCalibrator max() {
        return MAX;
    }

    /** amax chosen by {@code method} from a {@value #HISTOGRAM_BINS}-bin histogram of each channel's |w|. */
    public static WeightCalibrator histogram(Calibrator method, CalibrationOptions options) {
        return new WeightCalibrator(Objects.requireNonNull(method, "method"),
                Objects.requireNonNull(options, "options"));
    }

    /**
     * The weight method called {@code name}: {@code max}, {@code percentile}, {@code mse} or a method added
     * through the {@link Calibrator} service. Entropy is refused, as in NVIDIA's tools: a weight's value
     * distribution is not what KL divergence of activations is designed for.
     *
     * @throws InvalidOptionException if there is no such method, or it is entropy (a wrong request, not a bad file)
     */
    public static WeightCalibrator byName(String name, CalibrationOptions options) {
        String wanted = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (wanted.equals("max")) {
            return max();
        }
        if (wanted.equals("entropy")) {
            throw new InvalidOptionException("entropy is not a weight calibration method; use max, percentile or mse");
        }
        try {
            return histogram(Calibrators.byName(wanted), options);
        } catch (CalibrationException e) {
            throw new InvalidOptionException(e.getMessage(), e);
        }
    }

    /** The method's name, e.g. {@code max} or {@code percentile}. */
    public String name() {
        return method == null ? "max" : method.name();
    }

    /** The method as calibrate labels it, with percentile's value: {@code max}, {@code percentile-99.9}, … */
    public String label() {
        return method == null ? "max" : MethodSpec.label(method.name(), options);
    }

    /**
     * The amax of each slice of {@code values} along {@code axis}, or one amax for the whole tensor when
     * {@code axis} is negative.
     *
     * @param tensor name used in error messages
     * @param values the weights, row-major
     * @param dims   their shape
     */
    public float[] amax(String tensor, float[] values, List<Long> dims, int axis) {
        if (axis >= dims.size()) {
            throw new IllegalArgumentException("axis " + axis + " out of range for shape " + dims);
        }
        long[] shape = axis < 0 ? new long[] {1, values.length} : dims.stream().mapToLong(Long::longValue).toArray();
        int channelAxis = Math.max(axis, 0);
        float[] amax;
        try {
            PerChannelMaxCollector max = new PerChannelMaxCollector(tensor, channelAxis);
            max.collect(values, shape);
            amax = max.amax();
            if (method != null) {
                float[][] slices = slices(values, shape, channelAxis);
                for (int c = 0; c < amax.length; c++) {
                    // an all-zero channel has nothing to calibrate (its scale becomes 1); a channel of subnormal
                    // weights keeps its max, since float32 bin edges that fine are no longer increasing
                    if (amax[c] >= SMALLEST_HISTOGRAM_MAX) {
                        amax[c] = fromHistogram(axis < 0 ? tensor : tensor + "[" + c + "]", slices[c]);
                    }
                }
            }
        } catch (CalibrationException e) {
            throw new Trt4jException("weight " + e.getMessage(), e);
        }
        return amax;
    }

    private float fromHistogram(String name, float[] slice) {
        TensorStatisticsCollector collector = new TensorStatisticsCollector(name, HISTOGRAM_BINS, false);
        collector.collect(slice, 0, slice.length);
        float a = Calibrators.amax(method, collector.statistics(), options);
        if (!(a >= 0) || Float.isInfinite(a)) {
            throw new Trt4jException("weight '" + name + "': method " + method.name() + " gave amax " + a);
        }
        return a;
    }

    /** The values of each index of {@code axis}, gathered into one array per channel. */
    private static float[][] slices(float[] values, long[] shape, int axis) {
        int channels = Math.toIntExact(shape[axis]);
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner = Math.multiplyExact(inner, Math.toIntExact(shape[d]));
        }
        int outer = channels * inner == 0 ? 0 : values.length / (channels * inner);
        float[][] slices = new float[channels][outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(values, (o * channels + c) * inner, slices[c], o * inner, inner);
            }
        }
        return slices;
    }

    @Override
    public String toString() {
        return name();
    }
}
