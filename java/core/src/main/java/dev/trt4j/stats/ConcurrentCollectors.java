package dev.trt4j.stats;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.CalibrationException;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Folds tensors into their statistics on worker threads, in the order they are handed over. {@link #awaitBatch()}
 * waits for all of them, which keeps each tensor's batches in order (a histogram depends on the order of its
 * batches): hand over a tensor's next batch only after that. The buffers are read in place, so handing over copies
 * nothing. With one worker and no need to run in the background, everything runs on the caller's thread.
 */
final class ConcurrentCollectors implements AutoCloseable {
    private final ExecutorService pool;
    private final List<Future<?>> pending = new ArrayList<>();

    /**
     * @param workers    threads folding tensors
     * @param background fold on a worker even with one worker, so that the caller can go on (to the next batch's
     *                   run) meanwhile
     */
    ConcurrentCollectors(int workers, boolean background) {
        if (workers > 1 || background) {
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(Math.max(1, workers), r -> {
                Thread t = new Thread(r, "trt4j-statistics-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            this.pool = null;
        }
    }

    /**
     * Folds the buffer's values into a tensor's statistics ({@code fold}, e.g. a histogram's collector), now or on a
     * worker; the buffer must stay unchanged until {@link #awaitBatch()} returns.
     */
    void collect(Consumer<FloatBuffer> fold, FloatBuffer data) {
        if (pool == null) {
            fold.accept(data);
            return;
        }
        pending.add(pool.submit(() -> fold.accept(data)));
    }

    /**
     * Waits until every tensor handed over so far is folded in. After a failure the tensors not yet started are
     * dropped: the pass fails, so their statistics would be thrown away.
     *
     * @throws CalibrationException or {@link Trt4jException} as thrown by a collector
     */
    void awaitBatch() {
        if (Thread.currentThread().isInterrupted()) {
            // Future.get on a finished task returns without looking at the interrupt: without this check a cancel
            // was noticed here or only before the next batch, depending on whether the workers had finished
            pending.forEach(p -> p.cancel(false));
            pending.clear();
            throw new Trt4jException("interrupted while collecting activation statistics", new InterruptedException());
        }
        RuntimeException failure = null;
        boolean interrupted = false;
        try {
            for (Future<?> f : pending) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r
                                : new IllegalStateException(e.getCause());
                    }
                    pending.forEach(p -> p.cancel(false));
                } catch (CancellationException e) {
                    // cancelled after an earlier failure, before it started
                } catch (InterruptedException e) {
                    interrupted = true;
                    pending.forEach(p -> p.cancel(false));
                    if (failure == null) {
                        failure = new Trt4jException("interrupted while collecting activation statistics", e);
                    }
                }
            }
        } finally {
            pending.clear();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Stops the workers, waiting briefly for a tensor still being folded (its buffer is the caller's). */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
