package dev.trt4j.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where every session's {@code runAsync} futures complete, and so where stages chained on them run: one pool of
 * daemon threads for the JVM that makes a thread whenever none is idle and lets idle ones go after a minute.
 *
 * <p>Not {@link java.util.concurrent.ForkJoinPool#commonPool()}: with fewer than three cores
 * {@link java.util.concurrent.CompletableFuture} starts a new thread for every hand-off, and elsewhere a stage that
 * blocks on a session without going through {@code join()} holds one of its few threads. Here a blocked stage costs
 * one idle thread, never the progress of another request's completion.
 */
final class CompletionThreads {
    private static final long KEEP_ALIVE_SECONDS = 60;
    private static final Executor POOL = newPool();

    private CompletionThreads() {
    }

    /** The JVM-wide pool. */
    static Executor pool() {
        return POOL;
    }

    private static Executor newPool() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "trt4j-completion-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        return pool;
    }
}
