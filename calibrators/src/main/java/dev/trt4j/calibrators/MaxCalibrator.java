package dev.trt4j.calibrators;

import java.util.Set;

/** {@code "max"}: amax is the largest magnitude seen ({@code max |x|}); bit width and signedness do not matter. */
public final class MaxCalibrator implements Calibrator {
    @Override
    public String name() {
        return "max";
    }

    @Override
    public Set<String> optionsRead() {
        return Set.of();
    }

    @Override
    public boolean readsHistograms() {
        return false;
    }

    @Override
    public String description() {
        return "largest magnitude seen, max |x|";
    }

    /** @throws CalibrationException if no value was collected */
    @Override
    public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
        if (statistics.count() == 0) {
            throw new CalibrationException("tensor '" + statistics.name()
                    + "': no values were collected for the max method; check that the calibration data reaches it");
        }
        return statistics.absMax();
    }
}
