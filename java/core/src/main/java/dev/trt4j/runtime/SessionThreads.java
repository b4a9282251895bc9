package dev.trt4j.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one {@link InferenceSession}'s {@code runAsync}: a fixed pool of daemon threads that runs a last
 * action once it has been shut down and its last task has finished. Only requests run here; the session completes
 * their futures elsewhere, so no user stage can occupy a thread that a request it waits for needs.
 */
final class SessionThreads extends ThreadPoolExecutor {
    private final Runnable whenTerminated;
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    /**
     * @param name           thread name prefix, e.g. {@code trt4j-session-3}
     * @param size           threads in the pool
     * @param maxQueued      tasks that may wait for a thread, 0 for no limit
     * @param whenTerminated runs once, on whichever thread ends the pool, and may wait; must not throw
     */
    SessionThreads(String name, int size, int maxQueued, Runnable whenTerminated) {
        super(size, size, 0L, TimeUnit.MILLISECONDS,
                maxQueued > 0 ? new LinkedBlockingQueue<>(maxQueued) : new LinkedBlockingQueue<>());
        this.whenTerminated = whenTerminated;
        AtomicInteger count = new AtomicInteger();
        setThreadFactory(r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            started.add(t);
            return t;
        });
        // terminated() runs holding the pool's main lock; the default handler's message calls toString(), which takes
        // that lock, so a task rejected while whenTerminated waits would wait for it in turn
        setRejectedExecutionHandler((task, pool) -> {
            throw new RejectedExecutionException(pool.isShutdown() ? name + " is shut down" : name + ": "
                    + maxQueued + " requests wait for a context already (InferenceOptions.maxQueued)");
        });
    }

    /**
     * Waits, without an interrupt cutting it short, until every thread of the pool has ended; {@code terminated()}
     * runs on the last of them, which is still alive when it returns. Call only once the pool has terminated.
     */
    void awaitThreadsEnded() {
        boolean interrupted = false;
        for (Thread thread : started) {
            while (thread != Thread.currentThread() && thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void terminated() {
        whenTerminated.run();
    }
}
