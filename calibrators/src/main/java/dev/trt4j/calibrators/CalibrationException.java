package dev.trt4j.calibrators;

/** A calibration that cannot be carried out; the message names the tensor and the problem in one line. */
public class CalibrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CalibrationException(String message) {
        super(message);
    }
}
