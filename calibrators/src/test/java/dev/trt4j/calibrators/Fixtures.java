package dev.trt4j.calibrators;

import java.util.Arrays;
import java.util.Random;

/** Inputs of NVIDIA's calibrator unit tests and helpers to collect them. */
final class Fixtures {
    static final CalibrationOptions DEFAULTS = CalibrationOptions.defaults();

    private Fixtures() {
    }

    /** Statistics of the batches collected in order into a {@code numBins}-bin histogram. */
    static TensorStatistics collect(int numBins, boolean skipZeros, float[]... batches) {
        TensorStatisticsCollector collector = new TensorStatisticsCollector("t", numBins, skipZeros);
        for (float[] batch : batches) {
            collector.collect(batch, 0, batch.length);
        }
        return collector.statistics();
    }

    /** 2048 bins, zeros kept: NVIDIA's default. */
    static TensorStatistics collect(float[]... batches) {
        return collect(2048, false, batches);
    }

    /** {@code count} copies of {@code value} with the first replaced by {@code outlier} (torch.ones(...) * v). */
    static float[] filledWithOutlier(int count, float value, float outlier) {
        float[] x = filled(count, value);
        x[count / 2] = outlier;
        return x;
    }

    static float[] filled(int count, float value) {
        float[] x = new float[count];
        Arrays.fill(x, value);
        return x;
    }

    /** 0, step, 2·step, … (count values). */
    static float[] arange(int count, float step) {
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = i * step;
        }
        return x;
    }

    /** Uniform [0, 1) values, like torch.rand. */
    static float[] rand(Random random, int count) {
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = random.nextFloat();
        }
        return x;
    }

    static int bits(float f) {
        return Float.floatToRawIntBits(f);
    }
}
