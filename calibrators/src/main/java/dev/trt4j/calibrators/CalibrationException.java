package dev.trt4j.calibrators;

/** A calibration that cannot be carried out; the message names the tensor and the problem in one line. */
public class CalibrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one line naming the tensor and the problem */
    public CalibrationException(String message) {
        super(message);
    }

    /**
     * @param message one line naming the tensor and the problem
     * @param cause   what made it fail, kept for {@code --verbose}
     */
    public CalibrationException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A NaN or infinite value found at {@code index} of a batch of {@code tensor}. */
    static CalibrationException notFinite(String tensor, float value, long index) {
        return new CalibrationException("tensor '" + tensor + "': value " + value + " at index " + index
                + " is not finite; calibration needs finite values");
    }
}
