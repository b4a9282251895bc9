package dev.trt4j.stats;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.CalibrationException;
import dev.trt4j.calibrators.TensorStatisticsCollector;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Folds tensors into their statistics on a few worker threads, in the order they are handed over. At most
 * {@code workers} tensors are in flight, so memory stays bounded; {@link #awaitBatch()} waits for all of them,
 * which keeps each tensor's batches in order (a histogram depends on the order of its batches). With one worker
 * everything runs on the caller's thread.
 */
final class ConcurrentCollectors implements AutoCloseable {
    private final ExecutorService pool;
    private final Semaphore inFlight;
    private final List<Future<?>> pending = new ArrayList<>();

    ConcurrentCollectors(int workers) {
        if (workers > 1) {
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "trt4j-statistics-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.inFlight = new Semaphore(workers);
        } else {
            this.pool = null;
            this.inFlight = null;
        }
    }

    /**
     * Adds the buffer's values to {@code collector}, now or on a worker; the buffer must stay unchanged until
     * {@link #awaitBatch()} returns.
     */
    void collect(TensorStatisticsCollector collector, FloatBuffer data) {
        if (pool == null) {
            collector.collect(data);
            return;
        }
        inFlight.acquireUninterruptibly();
        try {
            pending.add(pool.submit(() -> {
                try {
                    collector.collect(data);
                } finally {
                    inFlight.release();
                }
            }));
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
    }

    /**
     * Waits until every tensor handed over so far is folded in.
     *
     * @throws CalibrationException or {@link Trt4jException} as thrown by a collector
     */
    void awaitBatch() {
        try {
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Trt4jException("interrupted while collecting activation statistics", e);
        } finally {
            pending.clear();
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
