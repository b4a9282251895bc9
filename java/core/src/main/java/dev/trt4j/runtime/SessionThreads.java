package dev.trt4j.runtime;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one {@link InferenceSession}'s {@code runAsync}: a fixed pool of daemon threads that knows its own
 * threads and runs a last action once it has been shut down and its last task has finished.
 *
 * <p>Dependent stages of a {@code runAsync} future run on these threads, so the session's close() may be called
 * from one of them; it cannot wait for the pool there, and leaves the freeing to {@code whenTerminated}.
 */
final class SessionThreads extends ThreadPoolExecutor {
    private final Runnable whenTerminated;

    /**
     * @param name           thread name prefix, e.g. {@code trt4j-session-3}
     * @param size           threads in the pool
     * @param whenTerminated runs once, on whichever thread ends the pool, and may wait; must not throw
     */
    SessionThreads(String name, int size, Runnable whenTerminated) {
        super(size, size, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
        this.whenTerminated = whenTerminated;
        AtomicInteger count = new AtomicInteger();
        setThreadFactory(r -> new PoolThread(this, r, name + "-" + count.incrementAndGet()));
        // terminated() runs holding the pool's main lock; the default handler's message calls toString(), which takes
        // that lock, so a task rejected while whenTerminated waits would wait for it in turn
        setRejectedExecutionHandler((task, pool) -> {
            throw new RejectedExecutionException(name + " is shut down");
        });
    }

    /** Whether the calling thread is one of this pool's. */
    boolean ownsCurrentThread() {
        return Thread.currentThread() instanceof PoolThread t && t.pool == this;
    }

    @Override
    protected void terminated() {
        whenTerminated.run();
    }

    /** A thread that remembers its pool. */
    private static final class PoolThread extends Thread {
        private final SessionThreads pool;

        PoolThread(SessionThreads pool, Runnable task, String name) {
            super(task, name);
            this.pool = pool;
            setDaemon(true);
        }
    }
}
