package dev.trt4j.runtime;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.engine.Availability;
import dev.trt4j.io.Closing;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A model or engine loaded once and shared by request threads: a pool of {@link ExecutionContext}s, each with its
 * own reusable buffers, handed to one caller at a time. With {@code n} contexts, up to {@code n} requests run at
 * once and the rest wait for a free context.
 *
 * <pre>{@code
 * try (InferenceSession session = InferenceSession.open(Path.of("cls.onnx"), InferenceOptions.defaults())) {
 *     // the reader sees the outputs in place; whatever it returns is the result
 *     float[] scores = session.run(Map.of("x", image), out -> out.copy("save_infer_model/scale_0.tmp_1").floats());
 *     CompletableFuture<Map<String, HostTensor>> later = session.runAsync(Map.of("x", image));
 * }
 * }</pre>
 *
 * <p>Thread-safe. The session owns its model, its contexts and the threads of {@link #runAsync}; {@link #close()}
 * waits for running requests and for those {@link #runAsync} already accepted on the session's own threads, then
 * frees everything (idempotent). Later requests fail with {@link IllegalStateException}. An {@link OutputReader}
 * must not call {@link #close()}, {@code run} or {@code runAsync} on its own session: it holds a context while it
 * reads, so all three throw {@link IllegalStateException} there. The futures of {@link #runAsync} complete on a
 * JVM-wide pool of daemon threads that grows while its threads are busy, never on the session's threads, so a stage
 * chained on one may block on further requests of the session, or close it.
 */
public final class InferenceSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceSession.class);
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private final LoadedModel model;
    private final List<ExecutionContext> contexts;
    /** The pool's size: {@link #contexts} is emptied when they are freed. */
    private final int size;
    private final Deque<ExecutionContext> idle;
    private final Semaphore free;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final SessionThreads asyncThreads;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Completes once the contexts and the model are freed, exceptionally if freeing them failed. */
    private final CompletableFuture<Void> freed = new CompletableFuture<>();

    private InferenceSession(LoadedModel model, int size, int maxQueued) {
        this.model = model;
        this.size = size;
        this.contexts = new ArrayList<>(size);
        this.idle = new ArrayDeque<>(size);
        this.free = new Semaphore(size);
        try {
            for (int i = 0; i < size; i++) {
                ExecutionContext context = model.newContext();
                contexts.add(context);
                idle.add(context);
            }
        } catch (RuntimeException | Error e) {
            List<AutoCloseable> owned = new ArrayList<>(contexts);
            owned.add(model);
            Closing.afterFailure(e, owned.toArray(AutoCloseable[]::new));
            throw e;
        }
        // The pool's end frees the contexts and the model: by then no accepted request can still need them, and
        // it is the one point reached both when close() waits and when it is called from a pool thread.
        this.asyncThreads = new SessionThreads("trt4j-session-" + SESSIONS.incrementAndGet(), size,
                maxQueued, this::freeAll);
    }

    /**
     * Loads {@code file} with the backend {@code options} select and makes its contexts.
     *
     * @throws Trt4jException when no backend fits, the backend is unavailable, or the file cannot be loaded
     * @throws NullPointerException when {@code file} or {@code options} is null
     */
    public static InferenceSession open(Path file, InferenceOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        // a wrong path is named as such, not hidden behind the backend choice (by the file's name) or a backend
        // that cannot run here (no GPU)
        if (Files.isDirectory(file)) {
            throw new Trt4jException(file + ": is a folder, expected a file");
        }
        InferenceBackend backend;
        try {
            backend = InferenceBackends.select(file, options.backend());
        } catch (Trt4jException unknownKind) {
            if (!Files.exists(file)) {
                throw new Trt4jException(file + ": no such file", unknownKind);
            }
            throw unknownKind;
        }
        if (!Files.isRegularFile(file)) {
            throw new Trt4jException(file + ": no such " + (backend.name().equals(EngineRuntimeBackend.NAME)
                    ? "engine" : "model") + " file");
        }
        Availability availability = backend.availability();
        if (!availability.available()) {
            // a service that loads several models must learn which one could not be served
            throw new Trt4jException(file + ": " + availability.reason());
        }
        LOG.debug("Loading {} with {} ({} contexts)", file, backend.name(), options.contexts());
        return new InferenceSession(backend.load(file, options), options.contexts(), options.maxQueued());
    }

    /**
     * A session over an already loaded model; the session takes ownership of it (and closes it if this fails).
     *
     * @throws IllegalArgumentException when {@code contexts} is below 1
     * @throws Trt4jException           when the model's contexts cannot be made
     */
    public static InferenceSession of(LoadedModel model, int contexts) {
        return of(model, contexts, 0);
    }

    /**
     * A session over an already loaded model, with at most {@code maxQueued} asynchronous requests waiting for a
     * context ({@link InferenceOptions#maxQueued()}); the session takes ownership of the model.
     *
     * @throws IllegalArgumentException when {@code contexts} is below 1 or {@code maxQueued} is negative
     * @throws Trt4jException           when the model's contexts cannot be made
     */
    public static InferenceSession of(LoadedModel model, int contexts, int maxQueued) {
        if (contexts < 1 || maxQueued < 0) {
            IllegalArgumentException e = new IllegalArgumentException(contexts < 1
                    ? "an inference session needs at least 1 context, got " + contexts
                    : "queued requests must be 0 (no limit) or more, got " + maxQueued);
            Closing.afterFailure(e, model);
            throw e;
        }
        return new InferenceSession(model, contexts, maxQueued);
    }

    /** The model's name for messages, e.g. its file. */
    public String name() {
        return model.name();
    }

    /**
     * A stream over this session for a model that carries a state, such as a voice activity detector: each
     * {@link InferenceStream#run} feeds the state outputs of the run before back as inputs (zeros at first). Streams
     * are cheap; open one per conversation or connection. They share the session's contexts.
     *
     * @throws Trt4jException if a link names a missing or non-float tensor of the model
     * @throws IllegalStateException after {@link #close()}
     */
    public InferenceStream stream(StateFeedback links) {
        if (closed.get()) {
            throw closedError();  // here, not at the stream's first run, far from where it was opened
        }
        return new InferenceStream(this, links);
    }

    /** The model's inputs. */
    public List<TensorSpec> inputs() {
        return model.inputs();
    }

    /**
     * The model's outputs, those a run returns. Outputs of an element type trt4j does not carry (double or string
     * tensors, sequences, maps) are left out; loading logs them at WARN, and asking for one by name says why.
     */
    public List<TensorSpec> outputs() {
        return model.outputs();
    }

    /** Contexts in the pool, as opened (also after {@link #close()}, which frees them). */
    public int contexts() {
        return size;
    }

    /**
     * Runs one query and hands its outputs to {@code reader} while the context is held; nothing is copied unless the
     * reader copies. The outputs refuse to be read once the reader has returned ({@link IllegalStateException}). An
     * exception the reader throws reaches the caller unchanged. Float inputs are not checked for NaN or infinity;
     * token inputs are (see {@link dev.trt4j.tensor.TokenInputCheck}).
     *
     * @throws dev.trt4j.InvalidInputException when the inputs do not fit (inputs sharing a symbolic dimension must
     *                        agree on it): the caller's to correct, a bad request to a service
     * @throws Trt4jException when the backend fails, or the thread is interrupted while waiting for a free context
     * @throws NullPointerException when {@code inputs}, {@code reader} or an input's tensor is null
     * @throws IllegalStateException after {@link #close()}, or when called from an {@link OutputReader} of this
     *                               session
     */
    public <T> T run(Map<String, HostTensor> inputs, OutputReader<T> reader) {
        requireArguments(inputs, reader);
        return run(inputs, reader, null);
    }

    /**
     * @param accepted for a request {@link #runAsync} took on the session's threads before close (which still runs):
     *                 its future, which a caller who gave up completes before it runs; null for a direct call
     */
    private <T> T run(Map<String, HostTensor> inputs, OutputReader<T> reader, CompletableFuture<?> accepted) {
        refuseInsideOwnRequest("run()");
        if (!lifecycle.readLock().tryLock()) {
            throw closedError();
        }
        try {
            if (accepted == null && closed.get()) {
                throw closedError();
            }
            ExecutionContext context = take();
            if (accepted != null && accepted.isDone()) {
                // cancelled or timed out while it waited for this context: the caller has gone, so nothing runs
                release(context);
                throw new CancellationException("abandoned before it ran");
            }
            try {
                ReaderOutputs outputs = new ReaderOutputs(model.name(), context.run(inputs));
                try {
                    return reader.read(outputs);
                } finally {
                    outputs.expire();
                }
            } finally {
                release(context);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Runs one query and returns a heap copy of every output, in model order.
     *
     * @throws dev.trt4j.InvalidInputException when the inputs do not fit
     * @throws Trt4jException when the backend fails
     * @throws IllegalStateException after {@link #close()}, or when called from an {@link OutputReader} of this
     *                               session
     */
    public Map<String, HostTensor> run(Map<String, HostTensor> inputs) {
        return run(inputs, InferenceSession::copyAll);
    }

    /**
     * {@link #run(Map, OutputReader)} on one of the session's own threads. The future completes on trt4j's pool of
     * completion threads: stages chained on it never hold up, or wait for, the session's threads (with one context a
     * stage that waited for another request on the thread that has to run it would wait forever). Failures arrive
     * through the future: a closed session's with {@link IllegalStateException}, the run's with its exception. The
     * inputs' arrays are read when the request runs, not copied now: leave them unchanged until the future completes
     * (after a cancel, until the request would have ended: one already running still reads them).
     * A future completed before its request started (cancelled, or timed out by {@code orTimeout}) drops the request:
     * a service does not pay for work its caller gave up on. One already running runs to its end.
     *
     * @throws IllegalStateException when called from an {@link OutputReader} of this session
     * @throws NullPointerException  when {@code inputs} or {@code reader} is null (at the call, not in the future)
     * @throws java.util.concurrent.RejectedExecutionException when {@link InferenceOptions#maxQueued()} requests wait
     *                                                         already
     */
    public <T> CompletableFuture<T> runAsync(Map<String, HostTensor> inputs, OutputReader<T> reader) {
        requireArguments(inputs, reader);
        refuseInsideOwnRequest("runAsync()");
        CompletableFuture<T> request = new CompletableFuture<>();
        // whenCompleteAsync hands off failures as well as results; thenApplyAsync would fail dependents in place
        CompletableFuture<T> handedOff = request.whenCompleteAsync((result, failure) -> { }, CompletionThreads.pool());
        Runnable task = () -> {
            if (request.isDone()) {
                return;
            }
            try {
                request.complete(run(inputs, reader, handedOff));
            } catch (Throwable t) {
                request.completeExceptionally(t);
            }
        };
        // completed from outside before the request is done (cancelled, timed out): a queued request leaves the queue,
        // so it neither runs nor holds a place that maxQueued counts; one waiting for a context gives it back unused
        handedOff.whenComplete((result, failure) -> {
            if (!request.isDone()) {
                request.cancel(false);
                asyncThreads.remove(task);
            }
        });
        return unlessClosed(() -> {
            asyncThreads.execute(task);
            return handedOff;
        });
    }

    /** {@link #run(Map)} on one of the session's own threads; see {@link #runAsync(Map, OutputReader)}. */
    public CompletableFuture<Map<String, HostTensor>> runAsync(Map<String, HostTensor> inputs) {
        return runAsync(inputs, InferenceSession::copyAll);
    }

    /**
     * {@link #run(Map, OutputReader)} on {@code executor}; a request that has not started when the session closes
     * fails with {@link IllegalStateException}. The future completes on {@code executor}'s thread, so stages chained
     * on it run there too: with a bounded executor, a stage must not wait for another request queued on it.
     *
     * @throws IllegalStateException when called from an {@link OutputReader} of this session
     * @throws NullPointerException  when {@code inputs}, {@code reader} or {@code executor} is null
     * @throws java.util.concurrent.RejectedExecutionException when {@code executor} refuses the request
     */
    public <T> CompletableFuture<T> runAsync(Map<String, HostTensor> inputs, OutputReader<T> reader,
                                             Executor executor) {
        requireArguments(inputs, reader);
        Objects.requireNonNull(executor, "executor");
        refuseInsideOwnRequest("runAsync()");
        return submit(() -> run(inputs, reader), executor);
    }

    /** Null arguments fail here, at the call, rather than after a context ran the model (or inside a future). */
    static void requireArguments(Map<String, HostTensor> inputs, OutputReader<?> reader) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(reader, "reader");
    }

    private <T> CompletableFuture<T> submit(Supplier<T> request, Executor executor) {
        return unlessClosed(() -> CompletableFuture.supplyAsync(request, executor));
    }

    /** The future {@code submission} hands out, or a closed session's failed one where close() came first. */
    private <T> CompletableFuture<T> unlessClosed(Supplier<CompletableFuture<T>> submission) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError());
        }
        try {
            return submission.get();
        } catch (RejectedExecutionException e) {
            if (closed.get()) {
                // close() shut the session's threads down between the check above and the submission
                return CompletableFuture.failedFuture(closedError());
            }
            throw e;
        }
    }

    /**
     * A request made from a reader of this session: with every context held it would wait for its own; an async one
     * could also sit queued behind the very thread that waits for it.
     */
    private void refuseInsideOwnRequest(String call) {
        if (lifecycle.getReadHoldCount() > 0) {
            throw new IllegalStateException("InferenceSession for " + model.name() + ": " + call + " was called inside "
                    + "one of its own requests, which may wait for its own context; run it after the request returns");
        }
    }

    static Map<String, HostTensor> copyAll(Outputs outputs) {
        Map<String, HostTensor> copies = new LinkedHashMap<>();
        for (String name : outputs.names()) {
            copies.put(name, outputs.copy(name));
        }
        return copies;
    }

    /** The most recently used free context (its buffers are warm and most likely sized for the next request). */
    private ExecutionContext take() {
        try {
            if (!free.tryAcquire()) { // a free context is taken even by a thread whose interrupt flag is set
                free.acquire();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Trt4jException(model.name() + ": interrupted while waiting for a free execution context", e);
        }
        synchronized (idle) {
            return idle.pop();
        }
    }

    private void release(ExecutionContext context) {
        synchronized (idle) {
            idle.push(context);
        }
        free.release();
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("InferenceSession for " + model.name() + " is closed");
    }

    /**
     * Refuses new requests, waits for running ones and for those {@link #runAsync} accepted on the session's threads,
     * then frees the contexts and the model, each even if closing one before it fails, and returns once the session's
     * threads have ended. Idempotent: a later call waits until everything is freed, without an interrupt cutting the
     * wait short, and throws nothing.
     *
     * <p>A stage chained on a {@link #runAsync} future, e.g. {@code runAsync(...).thenRun(session::close)}, may call
     * it too: such stages run off the session's threads, so this waits as from any other thread.
     *
     * @throws IllegalStateException when called from an {@link OutputReader} of this session, which would wait for
     *                               itself
     * @throws Trt4jException        on the first call, when freeing the contexts or the model failed
     */
    @Override
    public void close() {
        if (lifecycle.getReadHoldCount() > 0) {
            throw new IllegalStateException("InferenceSession for " + model.name() + ": close() was called inside one "
                    + "of its own requests, which would wait for itself; close it after the request returns");
        }
        boolean first = closed.compareAndSet(false, true);
        if (first) {
            asyncThreads.shutdown();
        }
        Throwable failure = freed.handle((ok, e) -> e).join();  // join() is not cut short by an interrupt
        asyncThreads.awaitThreadsEnded();  // freeAll ran on the last of them, which may not have ended yet
        if (first && failure != null) {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) failure;
        }
    }

    /** Frees the contexts and the model once the session's threads have ended; never throws. */
    private void freeAll() {
        lifecycle.writeLock().lock();  // waits for synchronous requests still running on callers' threads
        try {
            List<AutoCloseable> owned = new ArrayList<>(contexts);
            owned.add(model);
            contexts.clear();
            synchronized (idle) {
                idle.clear();
            }
            Closing.all(owned);
            freed.complete(null);
        } catch (RuntimeException | Error e) {
            freed.completeExceptionally(e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
