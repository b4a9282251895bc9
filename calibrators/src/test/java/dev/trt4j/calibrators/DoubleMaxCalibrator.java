package dev.trt4j.calibrators;

/** A calibration method known only to the tests, registered in src/test/resources META-INF/services. */
public final class DoubleMaxCalibrator implements Calibrator {
    @Override
    public String name() {
        return "double-max";
    }

    @Override
    public float computeAmax(TensorStatistics statistics, CalibrationOptions options) {
        return 2 * statistics.absMax();
    }
}
