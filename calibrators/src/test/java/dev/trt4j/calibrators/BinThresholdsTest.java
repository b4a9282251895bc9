package dev.trt4j.calibrators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BinThresholdsTest {

    /** Every bin boundary, its neighbouring floats and random magnitudes land where the float32 formula puts them. */
    @Test
    void tableLookupEqualsTheFloat32FormulaAtEveryBoundary() {
        Random random = new Random(7);
        int tables = 0;
        for (int round = 0; round < 60; round++) {
            int bins = round < 4 ? new int[] {1, 2, 2048, 4096}[round] : 1 + random.nextInt(5000);
            float hi = (float) Math.exp(random.nextGaussian() * 20);
            BinThresholds table = BinThresholds.forRange(bins, hi);
            if (table == null) {
                continue; // hi · bins overflows: the collector keeps the division path there
            }
            tables++;
            float[] starts = table.starts();
            for (int k = 1; k < bins; k++) {
                for (float e : new float[] {Math.nextDown(starts[k]), starts[k], Math.nextUp(starts[k])}) {
                    if (e >= 0f && e <= hi) {
                        assertThat(table.binOf(e)).as("bins %d hi %s e %s", bins, hi, e)
                                .isEqualTo(BinThresholds.formulaBin(e, bins, hi));
                    }
                }
            }
            for (int n = 0; n < 2000; n++) {
                float e = random.nextFloat() * hi;
                assertThat(table.binOf(e)).isEqualTo(BinThresholds.formulaBin(e, bins, hi));
            }
            for (float e : new float[] {0f, Float.MIN_VALUE, hi, Math.nextDown(hi)}) {
                assertThat(table.binOf(e)).isEqualTo(BinThresholds.formulaBin(e, bins, hi));
            }
        }
        assertThat(tables).as("ranges with a table").isGreaterThan(50);
    }

    @Test
    void thresholdsAreTheLeastMagnitudeOfEachBin() {
        BinThresholds table = BinThresholds.forRange(2048, 6.6893f);
        float[] starts = table.starts();
        for (int k = 1; k < 2048; k++) {
            assertThat(BinThresholds.formulaBin(starts[k], 2048, 6.6893f)).isGreaterThanOrEqualTo(k);
            assertThat(BinThresholds.formulaBin(Math.nextDown(starts[k]), 2048, 6.6893f)).isLessThan(k);
        }
    }

    @Test
    void refusesRangesWhereTheFormulaOverflowsOrTheTableWouldBeHuge() {
        assertThat(BinThresholds.forRange(2048, Float.MAX_VALUE / 1000)).isNull();
        assertThat(BinThresholds.forRange(BinThresholds.MAX_TABLE_BINS + 1, 1f)).isNull();
        assertThat(BinThresholds.forRange(2048, 0f)).isNull();
        assertThat(BinThresholds.forRange(2048, 1e-44f)).isNull(); // 2048 / hi overflows
    }

    /** The collector's table path on values sitting exactly on bin boundaries, across steady-state batches. */
    @Test
    void collectorCountsBoundaryValuesLikeTheFormula() {
        float hi = 3.1f;
        BinThresholds table = BinThresholds.forRange(2048, hi);
        float[] values = new float[3 * 2047 + 20_000];
        int n = 0;
        for (int k = 1; k < 2048; k++) {
            values[n++] = table.starts()[k];
            values[n++] = -Math.nextDown(table.starts()[k]);
            values[n++] = Math.nextUp(table.starts()[k]);
        }
        Random random = new Random(3);
        while (n < values.length) {
            values[n++] = (random.nextFloat() * 2 - 1) * hi;
        }
        values[0] = hi;
        HistogramCollector collector = new HistogramCollector("t", 2048, false);
        collector.collect(values);
        collector.collect(values); // steady state: same range, no growth
        long[] expected = new long[2048];
        for (float v : values) {
            expected[BinThresholds.formulaBin(Math.abs(v), 2048, hi)] += 2;
        }
        assertThat(collector.histogram().counts()).isEqualTo(expected);
        assertThat(collector.absMax()).isEqualTo(hi);
    }
}
