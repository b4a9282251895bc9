package dev.trt4j.quantize;

import java.util.Arrays;
import java.util.List;

/**
 * How far a smoothed MatMul, with its input and weights fake-quantized to INT8, lands from the FP32 MatMul on sampled
 * input rows: the measure that picks SmoothQuant's migration strength per input. The input gets one scale, from its
 * largest channel after smoothing (what max calibration will find); the weights one scale per output column.
 *
 * <p>Thread-safe: {@link #error} reads the sampled rows and weights and writes only arrays of its own.
 */
final class SmoothingError {
    private final List<float[]> rows;
    private final int channels;
    private final List<float[]> weights;
    private final List<float[]> reference;

    /**
     * @param rows     sampled input rows, {@code channels} values each
     * @param weights  the FP32 weights of each MatMul reading the input, [channels, N] row-major
     */
    SmoothingError(List<float[]> rows, int channels, List<float[]> weights) {
        this.rows = rows;
        this.channels = channels;
        this.weights = weights;
        this.reference = weights.stream().map(w -> product(rows, w, channels)).toList();
    }

    /**
     * Sum of squared errors over every sampled row and output of every MatMul once channel {@code j} of the input is
     * divided by {@code scale[j]} and weight row {@code j} multiplied by it, both then quantized.
     *
     * @param channelMax the input's largest magnitude per channel over the whole data set
     */
    double error(double[] scale, float[] channelMax) {
        double largest = 0;
        for (int j = 0; j < channels; j++) {
            largest = Math.max(largest, channelMax[j] / scale[j]);
        }
        double amax = largest;
        List<float[]> quantizedRows = rows.stream().map(r -> quantizedRow(r, scale, amax)).toList();
        double sum = 0;
        for (int m = 0; m < weights.size(); m++) {
            float[] q = product(quantizedRows, quantizedWeights(weights.get(m), scale), channels);
            float[] ref = reference.get(m);
            for (int i = 0; i < q.length; i++) {
                double d = q[i] - ref[i];
                sum += d * d;
            }
        }
        return sum;
    }

    private float[] quantizedRow(float[] row, double[] scale, double amax) {
        float[] q = new float[channels];
        if (amax == 0) {
            return q;
        }
        double step = amax / 127;
        for (int j = 0; j < channels; j++) {
            q[j] = (float) (clamp(Math.rint(row[j] / scale[j] / step)) * step);
        }
        return q;
    }

    private float[] quantizedWeights(float[] w, double[] scale) {
        int columns = w.length / channels;
        float[] smoothed = new float[w.length];
        double[] columnMax = new double[columns];
        for (int k = 0; k < w.length; k++) {
            smoothed[k] = (float) (w[k] * scale[k / columns]);
            columnMax[k % columns] = Math.max(columnMax[k % columns], Math.abs(smoothed[k]));
        }
        for (int k = 0; k < w.length; k++) {
            double step = columnMax[k % columns] / 127;
            smoothed[k] = step == 0 ? 0f : (float) (clamp(Math.rint(smoothed[k] / step)) * step);
        }
        return smoothed;
    }

    private static double clamp(double level) {
        return Math.max(-127, Math.min(127, level));
    }

    /**
     * rows · w for every row, concatenated: [rows, N]. Each output sums over the channels in order. The weight rows
     * are copied apart first so that the inner loop reads and writes both arrays at the same index: HotSpot 17 then
     * vectorises it, which it does not for two offsets into arrays that might be one (8× faster here).
     */
    private static float[] product(List<float[]> rows, float[] w, int channels) {
        int columns = w.length / channels;
        float[][] weightRows = new float[channels][];
        for (int j = 0; j < channels; j++) {
            weightRows[j] = Arrays.copyOfRange(w, j * columns, (j + 1) * columns);
        }
        float[] out = new float[rows.size() * columns];
        float[] acc = new float[columns];
        for (int r = 0; r < rows.size(); r++) {
            Arrays.fill(acc, 0f);
            float[] x = rows.get(r);
            for (int j = 0; j < channels; j++) {
                float v = x[j];
                if (v == 0f) {
                    continue;
                }
                float[] row = weightRows[j];
                for (int n = 0; n < columns; n++) {
                    acc[n] += v * row[n];
                }
            }
            System.arraycopy(acc, 0, out, r * columns, columns);
        }
        return out;
    }
}
