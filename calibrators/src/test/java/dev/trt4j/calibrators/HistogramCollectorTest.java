package dev.trt4j.calibrators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramCollectorTest {

    @Test
    void growKeepsWidthAndOldIndicesAsUpstreamTestGrow() {
        HistogramCollector collector = new HistogramCollector("t", 2048, false);
        collector.collect(new float[] {0, 255, 255, 255, 255, 255});
        collector.collect(new float[] {0, 255, 255, 255, 255, 256});

        Histogram h = collector.histogram();
        assertThat(h.numBins()).isEqualTo(2057);
        assertThat(h.edge(1)).isEqualTo(255f / 2048);
        assertThat(h.edge(2057)).isEqualTo(256.12060546875f);
        assertThat(h.count(0)).isEqualTo(2);
        assertThat(h.count(2047)).isEqualTo(5); // 255 in the first batch's [0, 255]
        assertThat(h.count(2048)).isEqualTo(4); // 255 in the grown [0, 256.1206]
        assertThat(h.count(2056)).isEqualTo(1);
        assertThat(h.total()).isEqualTo(12);
    }

    @Test
    void skipZerosGrowsToUpstreamTestSkipZerosHistogram() {
        HistogramCollector collector = new HistogramCollector("t", 2048, true);
        collector.collect(new float[] {0, 0, 0, 0, 0, 1, 2, 3, 4, 5});
        collector.collect(new float[] {0, 0, 0, 0, 0, 6, 7, 8, 9, 10});

        Histogram h = collector.histogram();
        assertThat(h.numBins()).isEqualTo(4096);
        assertThat(h.edge(4096)).isEqualTo(10.0f);
        assertThat(h.total()).isEqualTo(10);
        assertThat(h.count(0)).isZero();
    }

    @Test
    void firstBatchEdgesAreFloat32LinspaceWithExactMax() {
        float max = 0.3f; // k·step is inexact here, so both halves of the rule matter
        HistogramCollector collector = new HistogramCollector("t", 2048, false);
        collector.collect(new float[] {0.1f, max});
        Histogram h = collector.histogram();

        // LINSPACE_F32(0, max, 2049): step = f32(max / 2048); k < 1024: f32(k·step); else f32(max − f32((2048−k)·step)).
        float step = (float) ((double) max / 2048);
        for (int k = 0; k <= 2048; k++) {
            float expected = k < 1024 ? (float) ((double) k * step)
                    : (float) ((double) max - (double) (float) ((double) (2048 - k) * step));
            assertThat(h.edge(k)).as("edge %d", k).isEqualTo(expected);
        }
        assertThat(h.edge(2048)).isEqualTo(max);
    }

    /**
     * Bin placement on random data against a direct transcription of torch.histc: a magnitude e in [0, hi] goes to
     * bin trunc(f32(f32(e · bins) / hi)), bin == bins folded into the last; after growth hi is the last arange edge
     * f32((n−1)·w) with n = ceil(f64(f32(max + w)) / w) and bins = ceil(f32(max / w)). Products and quotients are
     * formed in double from float operands and rounded once to float, which equals float32 arithmetic.
     */
    @Test
    void binPlacementMatchesTorchHistcOnRandomData() {
        Random random = new Random(20240607);
        for (int round = 0; round < 20; round++) {
            int numBins = 64 + random.nextInt(2048);
            float scale1 = (float) Math.exp(random.nextGaussian() * 3);
            // Odd rounds are long enough for the collector's chunked fast path, even rounds take the plain loop.
            int size = round % 2 == 0 ? 500 : 20_000 + random.nextInt(5000);
            float[] batch1 = signedRandom(random, size, scale1);
            float[] batch2 = signedRandom(random, size, scale1 * (1 + 2 * random.nextFloat()));

            HistogramCollector collector = new HistogramCollector("t", numBins, false);
            collector.collect(batch1);
            long[] expected = place(batch1, numBins, maxAbs(batch1));
            Histogram first = collector.histogram();
            assertThat(first.counts()).isEqualTo(expected);

            collector.collect(batch2);
            Histogram second = collector.histogram();
            float last = first.edge(numBins);
            int bins = numBins;
            float hi = last;
            float max2 = maxAbs(batch2);
            if (max2 > last) {
                float w = first.edge(1);
                bins = (int) Math.ceil((float) ((double) max2 / w));
                float end = (float) ((double) max2 + w);
                long n = (long) Math.ceil((double) end / w);
                hi = (float) ((double) (n - 1) * w);
                assertThat(second.edge(1)).isEqualTo(w);
            }
            long[] placed = place(batch2, bins, hi);
            for (int k = 0; k < expected.length; k++) {
                placed[k] += expected[k];
            }
            assertThat(second.numBins()).isEqualTo(bins);
            assertThat(second.counts()).as("round %d", round).isEqualTo(placed);
        }
    }

    @Test
    void fastPathWithSkipZerosCountsOnlyTheNonZeroValues() {
        Random random = new Random(99);
        float[] relu = signedRandom(random, 30_000, 4f);
        for (int i = 0; i < relu.length; i += 2) {
            relu[i] = 0f; // half zeros, as after ReLU
        }
        HistogramCollector collector = new HistogramCollector("relu", 2048, true);
        collector.collect(relu);
        float[] nonZero = new float[relu.length / 2];
        for (int i = 1, k = 0; i < relu.length; i += 2) {
            nonZero[k++] = relu[i];
        }
        assertThat(collector.histogram().counts()).isEqualTo(place(nonZero, 2048, maxAbs(nonZero)));
        assertThat(collector.absMax()).isEqualTo(maxAbs(relu));
    }

    @Test
    void keepsUpstreamBinCountWhenArangeHasAnExtraEdge() {
        // w = f32(0.3 / 2048); 2051·w / w rounds to exactly 2051 bins, but f32(2051·w + w) / w exceeds 2052,
        // so torch.arange yields 2053 edges. Upstream bins into 2051 bins over [0, 2052·w].
        float w = 0.3f / 2048;
        float max2 = 2051 * w;
        HistogramCollector collector = new HistogramCollector("t", 2048, false);
        collector.collect(new float[] {0.3f});
        collector.collect(new float[] {max2});

        Histogram h = collector.histogram();
        assertThat(h.numBins()).isEqualTo(2051);
        assertThat(h.edge(2051)).isEqualTo(2051 * w);
        // bin of max2 over [0, 2052·w] with 2051 bins: trunc(2051·2051/2052) = 2050
        assertThat(h.count(2050)).isEqualTo(1);
        assertThat(h.count(2047)).isEqualTo(1);
        assertThat(h.total()).isEqualTo(2);
    }

    @Test
    void constantTensorFillsTheLastBin() {
        HistogramCollector collector = new HistogramCollector("t", 16, false);
        collector.collect(Fixtures.filled(10, 3f));
        Histogram h = collector.histogram();
        assertThat(h.count(15)).isEqualTo(10);
        assertThat(h.edge(16)).isEqualTo(3f);
    }

    @Test
    void allZeroBatchesLandInTheMiddleBinLikeTorchHistc() {
        HistogramCollector collector = new HistogramCollector("t", 8, false);
        collector.collect(new float[] {0, 0, 0});
        collector.collect(new float[] {0, -0f});
        Histogram h = collector.histogram();
        assertThat(h.counts()).containsExactly(0, 0, 0, 0, 5, 0, 0, 0);
        assertThat(h.edges()).containsOnly(0f);
    }

    @Test
    void allZeroFirstBatchRestartsWhenValuesArrive() {
        HistogramCollector collector = new HistogramCollector("t", 8, false);
        collector.collect(new float[] {0, 0, 0});
        collector.collect(new float[] {1, -2});
        Histogram h = collector.histogram();
        // as if the zeros had come with [1, -2]: 1 → 1·8/2 = bin 4, 2 → bin 8 folded into 7
        assertThat(h.counts()).containsExactly(3, 0, 0, 0, 1, 0, 0, 1);
        assertThat(h.edge(8)).isEqualTo(2f);
        assertThat(h.edge(1)).isEqualTo(0.25f);
    }

    @Test
    void allZeroBatchWithSkipZerosIsIgnored() {
        HistogramCollector collector = new HistogramCollector("t", 8, true);
        collector.collect(new float[] {0, 0, -0f});
        assertThat(collector.hasData()).isFalse();
        assertThat(collector.histogram()).isNull();

        collector.collect(new float[] {0, 4});
        Histogram before = collector.histogram();
        collector.collect(new float[] {0, 0});
        collector.collect(new float[0]);
        assertThat(collector.histogram()).isEqualTo(before);
        assertThat(before.total()).isEqualTo(1);
    }

    @Test
    void nonFiniteValuesAreRejectedNamingTheTensor() {
        HistogramCollector collector = new HistogramCollector("conv1_out", 8, false);
        collector.collect(new float[] {1, 2});
        Histogram before = collector.histogram();
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> collector.collect(new float[] {0.5f, bad}))
                    .isInstanceOf(CalibrationException.class)
                    .hasMessageContaining("conv1_out")
                    .hasMessageContaining("index 1")
                    .hasMessageContaining("not finite");
        }
        assertThat(collector.histogram()).isEqualTo(before);
    }

    @Test
    void refusesAbsurdGrowth() {
        HistogramCollector collector = new HistogramCollector("wide", 2048, false);
        collector.collect(new float[] {1e-6f});
        assertThatThrownBy(() -> collector.collect(new float[] {1e6f}))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("wide")
                .hasMessageContaining("bins");
    }

    @Test
    void dropsTheHistogramInsteadOfFailingWhenAskedAndKeepsMaxExact() {
        HistogramCollector collector = new HistogramCollector("quiet-start", 2048, false);
        collector.dropOnOverflow();
        collector.collect(new float[] {1e-6f, -5e-7f});
        assertThat(collector.droppedBecause()).isEmpty();
        collector.collect(new float[] {0.5f, -1e6f});
        assertThat(collector.histogram()).isNull();
        assertThat(collector.droppedBecause()).get().asString().contains("1000000.0").contains("16777216 bins");
        assertThat(collector.hasData()).isTrue();
        assertThat(collector.absMax()).isEqualTo(1e6f);
        // a dropped histogram still refuses what no calibration can use, and keeps tracking max |x|
        float[] big = new float[20_000];
        big[12_345] = -2e6f;
        collector.collect(big);
        assertThat(collector.absMax()).isEqualTo(2e6f);
        assertThatThrownBy(() -> collector.collect(new float[] {Float.NaN})).isInstanceOf(CalibrationException.class)
                .hasMessageContaining("quiet-start");
        assertThatThrownBy(() -> collector.startRange(1f)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void collectsASliceOnly() {
        HistogramCollector collector = new HistogramCollector("t", 4, false);
        collector.collect(new float[] {100, 1, 2, 100}, 1, 2);
        assertThat(collector.histogram().edge(4)).isEqualTo(2f);
        assertThat(collector.histogram().total()).isEqualTo(2);
    }

    /** A steady-state batch that turns out to need growth half-way is binned as a whole after growing. */
    @Test
    void growthFoundMidwayThroughASteadyBatchMatchesTorch() {
        Random random = new Random(5);
        float[] first = signedRandom(random, 20_000, 1f);
        float[] second = signedRandom(random, 30_000, 1f);
        for (int i = 0; i < first.length; i += 2) {
            first[i] = 0f;
            second[i] = 0f;
        }
        second[15_001] = 9.5f;
        HistogramCollector collector = new HistogramCollector("t", 2048, true);
        collector.collect(first);
        Histogram h1 = collector.histogram();
        float[] kept1 = nonZero(first);
        assertThat(h1.counts()).isEqualTo(place(kept1, 2048, maxAbs(kept1)));

        collector.collect(second);
        float w = h1.edge(1);
        int bins = (int) Math.ceil((float) ((double) 9.5f / w));
        float end = (float) ((double) 9.5f + w);
        long n = (long) Math.ceil((double) end / w);
        float hi = (float) ((double) (n - 1) * w);
        long[] expected = place(nonZero(second), bins, hi);
        for (int k = 0; k < h1.counts().length; k++) {
            expected[k] += h1.counts()[k];
        }
        assertThat(collector.numBins()).isEqualTo(bins);
        assertThat(collector.histogram().counts()).isEqualTo(expected);
        assertThat(collector.absMax()).isEqualTo(9.5f);
    }

    private static float[] nonZero(float[] values) {
        int n = 0;
        float[] kept = new float[values.length];
        for (float v : values) {
            if (v != 0f) {
                kept[n++] = v;
            }
        }
        return java.util.Arrays.copyOf(kept, n);
    }

    /** ONNX Runtime outputs are read in place from direct buffers, chunk by chunk; the result must not change. */
    @Test
    void directBuffersGiveTheSameHistogramAsArrays() {
        Random random = new Random(11);
        for (boolean skipZeros : new boolean[] {false, true}) {
            HistogramCollector fromArrays = new HistogramCollector("t", 2048, skipZeros);
            HistogramCollector fromBuffers = new HistogramCollector("t", 2048, skipZeros);
            // first batch, steady state, growth in the last chunk, steady state again, a small batch
            float[][] batches = {signedRandom(random, 50_000, 1f), signedRandom(random, 40_000, 0.5f),
                signedRandom(random, 3 * FloatValues.CHUNK + 5, 1f), signedRandom(random, 70_000, 1f),
                signedRandom(random, 100, 1f)};
            batches[2][batches[2].length - 1] = 40f;
            for (int i = 0; i < batches[3].length; i += 3) {
                batches[3][i] = 0f;
            }
            for (float[] batch : batches) {
                fromArrays.collect(batch);
                FloatBuffer direct = ByteBuffer.allocateDirect(4 * (batch.length + 7))
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                direct.position(7).put(batch).position(7);
                fromBuffers.collect(direct);
                assertThat(direct.position()).isEqualTo(7);
                assertThat(fromBuffers.histogram().counts()).isEqualTo(fromArrays.histogram().counts());
                assertThat(fromBuffers.numBins()).isEqualTo(fromArrays.numBins());
                assertThat(fromBuffers.absMax()).isEqualTo(fromArrays.absMax());
            }
            assertThat(fromBuffers.numBins()).isGreaterThan(2048);
        }
    }

    @Test
    void nonFiniteValueInALaterChunkOfADirectBufferIsReportedAtItsIndex() {
        HistogramCollector collector = new HistogramCollector("conv1", 2048, false);
        collector.collect(signedRandom(new Random(1), 20_000, 1f));
        FloatBuffer direct = ByteBuffer.allocateDirect(4 * 40_000).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(FloatValues.CHUNK + 3, Float.NaN);
        assertThatThrownBy(() -> collector.collect(direct))
                .isInstanceOf(CalibrationException.class)
                .hasMessage("tensor 'conv1': value NaN at index " + (FloatValues.CHUNK + 3)
                        + " is not finite; calibration needs finite values");
    }

    @Test
    void nonFiniteValueInALaterChunkOfAnArraySliceIsReportedAtItsIndexInTheSlice() {
        HistogramCollector collector = new HistogramCollector("conv2", 2048, false);
        collector.collect(signedRandom(new Random(2), 20_000, 1f));
        float[] values = signedRandom(new Random(3), 5 + 3 * FloatValues.CHUNK + 9, 1f);
        values[5 + 2 * FloatValues.CHUNK + 1] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> collector.collect(values, 5, 3 * FloatValues.CHUNK + 9))
                .isInstanceOf(CalibrationException.class)
                .hasMessage("tensor 'conv2': value -Infinity at index " + (2 * FloatValues.CHUNK + 1)
                        + " is not finite; calibration needs finite values");
    }

    private static long[] place(float[] batch, int bins, float hi) {
        long[] counts = new long[bins];
        for (float v : batch) {
            float e = Math.abs(v);
            if (e > hi) {
                continue;
            }
            float scaled = (float) ((double) e * bins);
            int pos = (int) (float) ((double) scaled / hi);
            counts[Math.min(pos, bins - 1)]++;
        }
        return counts;
    }

    private static float[] signedRandom(Random random, int count, float scale) {
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) (random.nextGaussian() * scale);
        }
        return x;
    }

    private static float maxAbs(float[] x) {
        float m = 0;
        for (float v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void aStartedRangeBinsEveryBatchAsAFirstBatchWithThatMaxWould() {
        Random random = new Random(17);
        float[] quiet = new float[10_000];
        float[] loud = new float[20_000];
        for (int i = 0; i < quiet.length; i++) {
            quiet[i] = (float) random.nextGaussian() * 1e-4f;
        }
        for (int i = 0; i < loud.length; i++) {
            loud[i] = (float) random.nextGaussian() * 30f;
        }
        float loudest = 0;
        for (float v : loud) {
            loudest = Math.max(loudest, Math.abs(v));
        }
        float max = loudest;
        float[] together = new float[quiet.length + loud.length];
        System.arraycopy(quiet, 0, together, 0, quiet.length);
        System.arraycopy(loud, 0, together, quiet.length, loud.length);
        HistogramCollector oneBatch = new HistogramCollector("t", 2048, false);
        oneBatch.collect(together);

        HistogramCollector started = new HistogramCollector("t", 2048, false);
        started.startRange(max);
        started.collect(quiet);
        started.collect(Arrays.copyOf(loud, 5));  // a short batch takes the general path
        started.collect(Arrays.copyOfRange(loud, 5, loud.length));

        assertThat(started.histogram().counts()).isEqualTo(oneBatch.histogram().counts());
        assertThat(started.histogram().edges()).isEqualTo(oneBatch.histogram().edges());
        assertThat(started.absMax()).isEqualTo(max);

        HistogramCollector unstarted = new HistogramCollector("quiet-first", 2048, false);
        unstarted.collect(quiet);
        float quietMax = unstarted.absMax();
        long[] quietCounts = unstarted.histogram().counts();
        assertThatThrownBy(() -> unstarted.collect(loud)).isInstanceOf(CalibrationException.class)
                .hasMessageContaining("past 16777216 bins");
        // the refused batch left nothing behind: max and histogram still agree with each other
        assertThat(unstarted.absMax()).isEqualTo(quietMax);
        assertThat(unstarted.histogram().counts()).isEqualTo(quietCounts);
        assertThatThrownBy(() -> started.startRange(max)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new HistogramCollector("t", 8, false).startRange(0f))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void absMaxCollectorFindsTheLargestMagnitudeAndRejectsNonFiniteValues() {
        AbsMaxCollector collector = new AbsMaxCollector("t");
        collector.collect(FloatBuffer.wrap(new float[] {1, -7.5f, 3}));
        FloatBuffer direct = ByteBuffer.allocateDirect(4 * 9000)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(8500, -9f);
        collector.collect(direct);

        assertThat(collector.absMax()).isEqualTo(9f);
        assertThat(collector.count()).isEqualTo(9003);
        direct.put(8999, Float.NaN);
        assertThatThrownBy(() -> collector.collect(direct)).isInstanceOf(CalibrationException.class)
                .hasMessage("tensor 't': value NaN at index 8999 is not finite; calibration needs finite values");
    }
}
