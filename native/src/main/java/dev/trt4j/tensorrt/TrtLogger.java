package dev.trt4j.tensorrt;

import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * TensorRT's logger, routed to SLF4J ({@code dev.trt4j.tensorrt.TensorRT}). Remembers the last errors of each
 * thread ({@link RecentErrors}) so that a failed call can be reported with TensorRT's own words, even while other
 * threads use other engines.
 *
 * <p>TensorRT calls {@link #log} from its own threads through JNI; the method never throws. TensorRT keeps the
 * first logger it is given as its process-wide logger, and the C++ peer only holds a weak reference back to
 * this object, so there is exactly one instance, held in a static field and never released.
 */
final class TrtLogger extends ILogger {
    private static final Logger LOG = LoggerFactory.getLogger("dev.trt4j.tensorrt.TensorRT");
    private static TrtLogger shared;
    private final RecentErrors errors = new RecentErrors();

    private TrtLogger() {
    }

    /** The process-wide logger; call only after the native libraries are loaded. */
    static synchronized TrtLogger shared() {
        if (shared == null) {
            shared = new TrtLogger();
        }
        return shared;
    }

    /** Forgets this thread's earlier errors, so that {@link #lastError()} describes the call that follows. */
    void clearErrors() {
        errors.clear();
    }

    @Override
    public void log(Severity severity, String msg) {
        try {
            int level = severity == null ? Severity.kINFO.value : severity.value;
            if (level <= Severity.kERROR.value) {
                // every call that fails puts lastError() into its exception, which the CLI prints as its one line;
                // logged at error level too, each would print twice, and before it
                LOG.debug("{}", msg);
                errors.add(msg);
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

    /** TensorRT's most recent error message for this thread's call, on one line ({@link RecentErrors#last()}). */
    Optional<String> lastError() {
        return errors.last();
    }
}
