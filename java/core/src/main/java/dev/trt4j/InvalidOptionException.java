package dev.trt4j;

/**
 * A request that is wrong before any file is read: an option value that is malformed or out of range, a method
 * name nothing provides, or options that contradict each other or the model they name. The CLI reports it as a
 * usage error (exit code 2), apart from failures found in files or while running (exit code 1).
 */
public class InvalidOptionException extends Trt4jException {
    private static final long serialVersionUID = 1L;

    /** @param message one line naming the option and what is wrong with it */
    public InvalidOptionException(String message) {
        super(message);
    }

    /**
     * @param message one line naming the option and what is wrong with it
     * @param cause   the failure behind it, kept for the stack trace
     */
    public InvalidOptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
