package dev.trt4j.calibrators;

import static dev.trt4j.calibrators.Fixtures.DEFAULTS;
import static dev.trt4j.calibrators.Fixtures.bits;
import static dev.trt4j.calibrators.Fixtures.collect;
import static dev.trt4j.calibrators.Fixtures.filled;
import static dev.trt4j.calibrators.Fixtures.filledWithOutlier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Vectors of NVIDIA's calibrator_test.py / ModelOpt test_calibrator.py (calibration.md §8.1). */
class MseCalibratorTest {
    private final Calibrator mse = new MseCalibrator();

    @Test
    void grow() {
        TensorStatistics stats = collect(new float[] {0, 255, 255, 255, 255, 255},
                new float[] {0, 255, 255, 255, 255, 256});
        assertThat(bits(mse.computeAmax(stats, DEFAULTS))).isEqualTo(0x437f0ff0); // 255.06226, centre 2048
    }

    @Test
    void oneTensor() {
        TensorStatistics stats = collect(filledWithOutlier(693, 255, 256));
        assertThat(stats.histogram().count(2040)).isEqualTo(692);
        assertThat(stats.histogram().count(2047)).isEqualTo(1);
        assertThat(bits(mse.computeAmax(stats, DEFAULTS))).isEqualTo(0x437f1000); // 255.0625, centre 2040
    }

    @Test
    void unsignedOneTensor() {
        TensorStatistics stats = collect(filledWithOutlier(693, 512, 513));
        float amax = mse.computeAmax(stats, DEFAULTS.withUnsigned(true));
        assertThat(bits(amax)).isEqualTo(0x440007e4); // 512.1233, centre 2044
    }

    @Test
    void twoTensors() {
        TensorStatistics stats = collect(filledWithOutlier(693, 255, 256), filled(693, 255));
        assertThat(bits(mse.computeAmax(stats, DEFAULTS))).isEqualTo(0x437f1000); // 255.0625
    }

    @Test
    void modelOptOneTensorWith32Bins() {
        TensorStatistics stats = collect(32, false, filledWithOutlier(64, 255, 256));
        float amax = mse.computeAmax(stats, DEFAULTS.withStartBin(16));
        assertThat(bits(amax)).isEqualTo(0x437c0000); // 252.0, centre of bin 31
    }

    @Test
    void modelOptUnsignedOneTensorWith32Bins() {
        TensorStatistics stats = collect(32, false, filledWithOutlier(693, 512, 513));
        float amax = mse.computeAmax(stats, DEFAULTS.withUnsigned(true).withStartBin(8));
        assertThat(bits(amax)).isEqualTo(0x43fc7e00); // 504.98438, centre of bin 31
    }

    /**
     * Upstream's float32 error terms overflow above about 1e19, and its argmin then takes the first candidate (an
     * amax a tenth of the data's range on Gaussian data); scaling data by a power of two scales every step exactly,
     * so the amax of data at 2^100 is the amax of the same data at 1, scaled.
     */
    @Test
    void hugeValuesGiveTheAmaxOfTheSameDataAtASmallerScale() {
        java.util.Random random = new java.util.Random(5);
        float[] small = new float[4000];
        float[] huge = new float[small.length];
        for (int i = 0; i < small.length; i++) {
            small[i] = (float) random.nextGaussian();
            huge[i] = Math.scalb(small[i], 100);
        }
        float amaxSmall = mse.computeAmax(collect(small), DEFAULTS);
        float amaxHuge = mse.computeAmax(collect(huge), DEFAULTS);

        assertThat(amaxHuge).isEqualTo(Math.scalb(amaxSmall, 100));
        assertThat(amaxSmall).as("not the first candidate, a sixteenth of the range")
                .isGreaterThan(collect(small).absMax() / 4);
    }

    @Test
    void constantTensorGivesTheLastBinsCentre() {
        TensorStatistics stats = collect(256, false, filled(100, 2f));
        assertThat(mse.computeAmax(stats, DEFAULTS)).isEqualTo(2f - 1f / 256);
    }

    @Test
    void allZeroDataGivesZero() {
        assertThat(mse.computeAmax(collect(filled(10, 0)), DEFAULTS)).isZero();
    }

    @Test
    void needsMoreBinsThanStartBin() {
        TensorStatistics stats = collect(128, false, filled(10, 1));
        assertThatThrownBy(() -> mse.computeAmax(stats, DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("'t'")
                .hasMessageContaining("start-bin")
                .hasMessageContaining("128");
        assertThat(mse.computeAmax(stats, DEFAULTS.withStartBin(127))).isEqualTo(1f - 1f / 256);
    }

    @Test
    void nothingCollectedIsAnError() {
        assertThatThrownBy(() -> mse.computeAmax(collect(), DEFAULTS))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("no values were collected");
    }
}
