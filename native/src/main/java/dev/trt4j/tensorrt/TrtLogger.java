package dev.trt4j.tensorrt;

import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * TensorRT's logger, routed to SLF4J ({@code dev.trt4j.tensorrt.TensorRT}). Remembers the last errors so that
 * a failed call can be reported with TensorRT's own words.
 *
 * <p>TensorRT calls {@link #log} from its own threads through JNI; the method never throws. TensorRT keeps the
 * first logger it is given as its process-wide logger, and the C++ peer only holds a weak reference back to
 * this object, so there is exactly one instance, held in a static field and never released.
 */
final class TrtLogger extends ILogger {
    private static final Logger LOG = LoggerFactory.getLogger("dev.trt4j.tensorrt.TensorRT");
    private static final int KEPT_ERRORS = 8;
    private static TrtLogger shared;
    private final Deque<String> errors = new ArrayDeque<>();

    private TrtLogger() {
    }

    /** The process-wide logger; call only after the native libraries are loaded. */
    static synchronized TrtLogger shared() {
        if (shared == null) {
            shared = new TrtLogger();
        }
        return shared;
    }

    /** Forgets earlier errors, so that {@link #lastError()} describes the call that follows. */
    void clearErrors() {
        synchronized (errors) {
            errors.clear();
        }
    }

    @Override
    public void log(Severity severity, String msg) {
        try {
            int level = severity == null ? Severity.kINFO.value : severity.value;
            if (level <= Severity.kERROR.value) {
                LOG.error("{}", msg);
                synchronized (errors) {
                    if (errors.size() == KEPT_ERRORS) {
                        errors.removeFirst();
                    }
                    errors.addLast(msg);
                }
            } else if (level == Severity.kWARNING.value) {
                LOG.warn("{}", msg);
            } else if (level == Severity.kINFO.value) {
                LOG.info("{}", msg);
            } else {
                LOG.debug("{}", msg);
            }
        } catch (Throwable t) {
            // nothing may cross back into TensorRT; a logging failure is not worth a crash
        }
    }

    /** TensorRT's most recent error message, on one line. */
    Optional<String> lastError() {
        synchronized (errors) {
            return errors.isEmpty() ? Optional.empty() : Optional.of(errors.getLast().replaceAll("\\s*\\R\\s*", " "));
        }
    }
}
