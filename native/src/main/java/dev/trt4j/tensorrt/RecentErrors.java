package dev.trt4j.tensorrt;

import java.util.Optional;

/**
 * The last error TensorRT logged, kept per thread, so that a failed call is reported with its own error even while
 * other threads run other engines: TensorRT logs a call's errors on the thread that made it. An error logged on
 * another thread (one of TensorRT's own) since this thread's {@link #clear()} is the fallback. Thread-safe.
 */
final class RecentErrors {
    private final ThreadLocal<String> mine = new ThreadLocal<>();
    private final ThreadLocal<Long> clearedAt = ThreadLocal.withInitial(() -> 0L);
    private long logged;
    private String lastAnywhere;

    /** Forgets this thread's earlier errors, so that {@link #last()} describes the call that follows. */
    void clear() {
        mine.remove();
        synchronized (this) {
            clearedAt.set(logged);
        }
    }

    /** Records an error logged on the calling thread. */
    void add(String message) {
        mine.set(message);
        synchronized (this) {
            logged++;
            lastAnywhere = message;
        }
    }

    /**
     * This thread's most recent error since {@link #clear()}, else the most recent one any thread logged since then;
     * on one line.
     */
    Optional<String> last() {
        String message = mine.get();
        if (message == null) {
            synchronized (this) {
                message = logged > clearedAt.get() ? lastAnywhere : null;
            }
        }
        return Optional.ofNullable(message).map(m -> m.replaceAll("\\s*\\R\\s*", " "));
    }
}
