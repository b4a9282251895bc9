package dev.trt4j.quantize;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.CalibrationException;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.Calibrator;
import dev.trt4j.calibrators.HistogramCollector;
import dev.trt4j.calibrators.TensorStatistics;

import java.util.List;
import java.util.Objects;

/**
 * Picks the clipping magnitude (amax) of constant weights, per output channel or for the whole tensor. {@link
 * #max()} takes max |w| (NVIDIA's default for weights). {@link #histogram} applies any calibration method to a
 * 2048-bin magnitude histogram of each channel, as pytorch-quantization's {@code calibrate_weights} does for
 * percentile and MSE.
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

    /** amax = max |w| of each channel. */
    public static WeightCalibrator max() {
        return MAX;
    }

    /** amax chosen by {@code method} from a {@value #HISTOGRAM_BINS}-bin histogram of each channel's |w|. */
    public static WeightCalibrator histogram(Calibrator method, CalibrationOptions options) {
        return new WeightCalibrator(Objects.requireNonNull(method, "method"),
                Objects.requireNonNull(options, "options"));
    }

    /** The method's name, e.g. {@code max} or {@code percentile}. */
    public String name() {
        return method == null ? "max" : method.name();
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
        int channels = axis < 0 ? 1 : Math.toIntExact(dims.get(axis));
        int inner = 1;
        for (int d = axis + 1; axis >= 0 && d < dims.size(); d++) {
            inner = Math.multiplyExact(inner, Math.toIntExact(dims.get(d)));
        }
        if (axis < 0) {
            inner = values.length;
        }
        int outer = channels * inner == 0 ? 0 : values.length / (channels * inner);
        float[] amax = new float[channels];
        float[][] slices = method == null ? null : new float[channels][outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                int base = (o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    float v = values[base + i];
                    if (!Float.isFinite(v)) {
                        throw new Trt4jException("weight '" + tensor + "' holds a non-finite value " + v);
                    }
                    float a = Math.abs(v);
                    if (a > amax[c]) {
                        amax[c] = a;
                    }
                    if (slices != null) {
                        slices[c][o * inner + i] = v;
                    }
                }
            }
        }
        if (method != null) {
            for (int c = 0; c < channels; c++) {
                if (amax[c] > 0) {
                    amax[c] = fromHistogram(axis < 0 ? tensor : tensor + "[" + c + "]", slices[c], amax[c]);
                }
            }
        }
        return amax;
    }

    private float fromHistogram(String name, float[] slice, float absMax) {
        HistogramCollector collector = new HistogramCollector(name, HISTOGRAM_BINS, false);
        collector.collect(slice);
        try {
            float a = method.computeAmax(new TensorStatistics(name, collector.histogram(), absMax, slice.length),
                    options);
            if (!(a >= 0) || Float.isInfinite(a)) {
                throw new Trt4jException("weight '" + name + "': method " + method.name() + " gave amax " + a);
            }
            return a;
        } catch (CalibrationException e) {
            throw new Trt4jException("weight '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
