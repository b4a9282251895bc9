package dev.trt4j.calibrators;

import static dev.trt4j.calibrators.Fixtures.DEFAULTS;
import static dev.trt4j.calibrators.Fixtures.bits;
import static dev.trt4j.calibrators.Fixtures.collect;
import static dev.trt4j.calibrators.Fixtures.filled;
import static dev.trt4j.calibrators.Fixtures.rand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntropyCalibratorTest {
    private final Calibrator entropy = new EntropyCalibrator();

    @Test
    void growVector() {
        TensorStatistics stats = collect(new float[] {0, 255, 255, 255, 255, 255},
                new float[] {0, 255, 255, 255, 255, 256});
        float amax = entropy.computeAmax(stats, DEFAULTS);
        assertThat(bits(amax)).isEqualTo(0x437ee020); // 254.87549 = edge 2047
        assertThat(Math.abs(amax - 255)).isLessThan(Math.abs(amax - 256));
    }

    /** NVIDIA's test_one_tensor / test_unsigned: rand(11,7,3,3) with one 10 gives amax < 1.1. */
    @ParameterizedTest
    @ValueSource(longs = {12345, 1, 2, 3, 4})
    void ignoresOneOutlier(long seed) {
        Random random = new Random(seed);
        float[] x = rand(random, 693);
        x[1 * 63 + 1 * 9 + 1 * 3 + 1] = 10;
        TensorStatistics stats = collect(x);
        assertThat(entropy.computeAmax(stats, DEFAULTS)).isLessThan(1.1f).isGreaterThan(0.9f);
        assertThat(entropy.computeAmax(stats, DEFAULTS.withUnsigned(true))).isLessThan(1.1f).isGreaterThan(0.9f);

        TensorStatistics two = collect(x, rand(random, 693));
        assertThat(entropy.computeAmax(two, DEFAULTS)).isLessThan(1.1f).isGreaterThan(0.9f);
    }

    @Test
    void constantTensorTakesTheLargestNaNCandidate() {
        // Every candidate below n keeps only empty bins (NaN), so upstream picks i = n − 1, not n.
        TensorStatistics stats = collect(filled(50, 3f));
        assertThat(entropy.computeAmax(stats, DEFAULTS)).isEqualTo(stats.histogram().edge(2047));
    }

    @Test
    void tiesAtZeroGoToTheLargestCandidate() {
        // Unsigned (256 levels): bins 0..199 hold 2,2,3,4,…,200 after bins[0] = bins[1]; nothing beyond.
        // i in 200..256 maps each bin to its own level, and i = 257 groups only {0, 1} (equal counts): D = 0
        // exactly. From i = 258 some group joins two unequal bins, so D > 0.
        long[] counts = new long[512];
        float[] edges = new float[513];
        for (int j = 0; j < 200; j++) {
            counts[j] = j + 1;
        }
        for (int k = 0; k <= 512; k++) {
            edges[k] = k * 0.5f;
        }
        TensorStatistics stats = new TensorStatistics("t", new Histogram(counts, edges), 100, 20100);
        assertThat(entropy.computeAmax(stats, DEFAULTS.withUnsigned(true))).isEqualTo(128.5f);
        assertThat(StraightforwardEntropy.keptBins(counts, 8, true, 128, 1)).isEqualTo(257);
    }

    @Test
    void clippedMassProportionalToTheLevelsIsAnExactZero() {
        // Two levels (2-bit signed), bins {3: 9, 4: 3, 5: 6}. i = 4 keeps bin 3 alone (p = q = [1]); i = 5 keeps
        // bins 3 and 4 as one level, P = (9, 3 + 6), Q = (6, 6): proportional, so D = 0 exactly as upstream
        // computes it, and the tie goes to i = 5 (a plain log-difference formula leaves ±1e-16 here instead).
        // i = 6 keeps all, its level (9, 3, 6) is uneven: D > 0.
        long[] counts = {0, 0, 0, 9, 3, 6};
        float[] edges = {0, 1, 2, 3, 4, 5, 6};
        TensorStatistics stats = new TensorStatistics("t", new Histogram(counts, edges), 6, 18);
        CalibrationOptions twoLevels = DEFAULTS.withNumBits(2).withStartBin(4);
        assertThat(entropy.computeAmax(stats, twoLevels)).isEqualTo(5f);
        assertThat(StraightforwardEntropy.keptBins(counts, 2, false, 4, 1)).isEqualTo(5);
    }

    @Test
    void matchesTheStraightforwardTranscriptionOnRandomHistograms() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int kind = round % 5;
            int n = kind == 4 ? 4 + random.nextInt(12) : 128 + random.nextInt(272);
            long[] counts = new long[n];
            for (int j = 0; j < n; j++) {
                counts[j] = switch (kind) {
                    case 0 -> random.nextInt(1000); // dense
                    case 1 -> random.nextInt(10) == 0 ? 1 + random.nextInt(4) : 0; // sparse: many exact ties
                    case 2 -> random.nextInt(3); // tiny counts: many uniform groups
                    case 3 -> Math.round(5000 * Math.exp(-j / (5.0 + random.nextInt(80)))); // activation-like
                    default -> random.nextInt(3) == 0 ? random.nextInt(4) : 0; // few bins, few levels
                };
            }
            counts[n - 1 - random.nextInt(4)] += random.nextInt(3); // an outlier now and then
            float[] edges = new float[n + 1];
            for (int k = 0; k <= n; k++) {
                edges[k] = k * 0.25f;
            }
            boolean unsigned = random.nextBoolean();
            int numBits = kind == 4 ? 1 + random.nextInt(3) : 6 + random.nextInt(3);
            int startBin = kind == 4 ? 2 : 128;
            int stride = 1 + random.nextInt(2);
            CalibrationOptions options = DEFAULTS.withUnsigned(unsigned).withNumBits(numBits)
                    .withStartBin(startBin).withStride(stride);
            if (java.util.Arrays.stream(counts).sum() == 0) {
                continue; // an empty histogram is refused (EmptyHistogramTest), not chosen from
            }
            TensorStatistics stats = new TensorStatistics("t", new Histogram(counts, edges), 1, 1);

            int chosen = (int) (entropy.computeAmax(stats, options) / 0.25f);
            assertChoiceAgrees(StraightforwardEntropy.divergences(counts, numBits, unsigned, startBin, stride),
                    startBin, stride, chosen, "round " + round + " (kind " + kind + ")");
        }
    }

    /**
     * NaN, +∞ and 0 are exact in both computations, so the choice among them must be exactly upstream's rule.
     * Other divergences agree to rounding only; there the choice must attain the minimum to 1e-12 (relative),
     * which tolerates the near-ties that calibration.md §2.9 allows (e.g. mathematically equal D of different i).
     */
    private static void assertChoiceAgrees(double[] d, int startBin, int stride, int chosen, String what) {
        int lastNaN = -1;
        double min = Double.POSITIVE_INFINITY;
        for (int i = startBin; i < d.length; i += stride) {
            if (Double.isNaN(d[i])) {
                lastNaN = i;
            } else {
                min = Math.min(min, d[i]);
            }
        }
        if (lastNaN >= 0) {
            assertThat(chosen).as(what + ": largest NaN candidate").isEqualTo(lastNaN);
        } else if (min == 0 || min == Double.POSITIVE_INFINITY) {
            int largest = -1;
            for (int i = startBin; i < d.length; i += stride) {
                if (d[i] == min) {
                    largest = i;
                }
            }
            assertThat(chosen).as(what + ": largest candidate with D = " + min).isEqualTo(largest);
        } else {
            assertThat(d[chosen]).as(what + ": D of the choice").isLessThanOrEqualTo(min * (1 + 1e-12));
        }
    }

    @Test
    void trtThresholdIsTheCentreOfTheBinAfterTheLastKeptOne() {
        // One value per bin: D = 0 only when all 2048 bins are kept, so i = 2048 and T = f32(2048.5 · max/2048).
        // The scales T/127 are TensorRT cache entries quoted in calibration.md §3.2.
        assertThat(bits(trtThresholdOfUniform(255f) / 127f)).isEqualTo(0x4000890a);
        assertThat(bits(trtThresholdOfUniform(1f) / 127f)).isEqualTo(0x3c010a14);
        assertThat(bits(trtThresholdOfUniform(2.64f) / 127f)).isEqualTo(0x3caa54fc);
        assertThat(trtThresholdOfUniform(255f)).isEqualTo(255.06226f);
    }

    @Test
    void trtThresholdUsesTheSameCandidateAsTheEdge() {
        TensorStatistics stats = collect(filled(50, 1f));
        CalibrationOptions trt = DEFAULTS.withTrtEntropyThreshold(true);
        assertThat(entropy.computeAmax(stats, DEFAULTS)).isEqualTo(2047f / 2048);
        assertThat(entropy.computeAmax(stats, trt)).isEqualTo(2047.5f / 2048);
    }

    @Test
    void fewerBinsThanStartBinIsAnErrorSayingWhatToChange() {
        TensorStatistics stats = collect(100, false, filled(10, 1));
        assertThatThrownBy(() -> entropy.computeAmax(stats, DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("'t'")
                .hasMessageContaining("100")
                .hasMessageContaining("start-bin");
        assertThat(entropy.computeAmax(stats, DEFAULTS.withStartBin(100))).isEqualTo(1f);
    }

    @Test
    void nothingCollectedIsAnError() {
        assertThatThrownBy(() -> entropy.computeAmax(collect(), DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("entropy");
    }

    @Test
    void allZeroDataGivesZero() {
        assertThat(entropy.computeAmax(collect(filled(10, 0)), DEFAULTS)).isZero();
    }

    private float trtThresholdOfUniform(float max) {
        float w = max / 2048;
        float[] x = new float[2048];
        for (int k = 0; k < 2047; k++) {
            x[k] = (k + 0.5f) * w;
        }
        x[2047] = max;
        TensorStatistics stats = collect(x);
        assertThat(stats.histogram().counts()).containsOnly(1);
        assertThat(entropy.computeAmax(stats, DEFAULTS)).isEqualTo(max);
        return entropy.computeAmax(stats, DEFAULTS.withTrtEntropyThreshold(true));
    }
}
