package dev.trt4j.runtime;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** How an {@link InferenceSession} opens, closes and fails, on a model whose contexts only count and sleep. */
class InferenceSessionLifecycleTest {
    private final AtomicInteger contextsOpened = new AtomicInteger();
    private final AtomicInteger contextsClosed = new AtomicInteger();
    private final AtomicInteger modelsClosed = new AtomicInteger();
    private final AtomicInteger runs = new AtomicInteger();

    /** Opened by a test that must hold runs until it lets them go; open (no wait) unless a test replaces it. */
    private volatile CountDownLatch runsHeld = new CountDownLatch(0);

    /** A model whose runs wait for {@link #runsHeld}; context number {@code failingOpen} fails to open (0: none). */
    private LoadedModel model(int failingOpen, boolean contextsFailToClose) {
        return new LoadedModel() {
            @Override
            public String name() {
                return "fake.onnx";
            }

            @Override
            public List<TensorSpec> inputs() {
                return List.of();
            }

            @Override
            public List<TensorSpec> outputs() {
                return List.of();
            }

            @Override
            public ExecutionContext newContext() {
                if (contextsOpened.incrementAndGet() == failingOpen) {
                    throw new OutOfMemoryError("no memory for context " + failingOpen);
                }
                return new ExecutionContext() {
                    @Override
                    public Outputs run(Map<String, HostTensor> inputs) {
                        try {
                            if (!runsHeld.await(30, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("the test never let the run go");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                        runs.incrementAndGet();
                        return new HostTensorOutputs("fake.onnx", Map.of());
                    }

                    @Override
                    public void close() {
                        contextsClosed.incrementAndGet();
                        if (contextsFailToClose) {
                            throw new Trt4jException("cudaStreamSynchronize failed: an illegal memory access");
                        }
                    }
                };
            }

            @Override
            public void close() {
                modelsClosed.incrementAndGet();
            }
        };
    }

    @Test
    void asyncRequestsAcceptedBeforeCloseStillRun() throws Exception {
        runsHeld = new CountDownLatch(1);
        InferenceSession session = InferenceSession.of(model(0, false), 1);
        CompletableFuture<Map<String, HostTensor>> running = session.runAsync(Map.of());
        CompletableFuture<Map<String, HostTensor>> queued = session.runAsync(Map.of());
        Thread closer = new Thread(session::close, "closer");
        closer.start();
        // close() refuses new requests before it waits; once it waits, both requests are still held
        awaitWaiting(closer);
        assertThat(runs).hasValue(0);
        assertThat(running).isNotDone();
        assertThat(queued).isNotDone();
        assertThat(modelsClosed).hasValue(0);
        assertThatThrownBy(() -> session.runAsync(Map.of()).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class);

        runsHeld.countDown();
        closer.join(30_000);
        assertThat(closer.isAlive()).as("close() returned once the accepted requests ran").isFalse();
        assertThat(running.get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(queued.get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(runs).hasValue(2);
        assertThat(modelsClosed).hasValue(1);
        assertThatThrownBy(() -> session.runAsync(Map.of()).get()).hasCauseInstanceOf(IllegalStateException.class);
    }

    /**
     * A caller that gave up on a queued request (cancelled it, or timed it out) does not pay for it: it never runs,
     * while the one already running runs to its end.
     */
    @Test
    void aQueuedRequestWhoseFutureIsCancelledOrTimedOutNeverRuns() throws Exception {
        runsHeld = new CountDownLatch(1);
        AtomicInteger read = new AtomicInteger();
        try (InferenceSession session = InferenceSession.of(model(0, false), 1)) {
            CompletableFuture<Integer> running = session.runAsync(Map.of(), out -> read.incrementAndGet());
            List<CompletableFuture<Integer>> queued = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                queued.add(session.runAsync(Map.of(), out -> read.incrementAndGet()));
            }
            queued.forEach(f -> assertThat(f.cancel(true)).isTrue());
            CompletableFuture<Integer> timedOut = session.runAsync(Map.of(), out -> read.incrementAndGet())
                    .orTimeout(10, TimeUnit.MILLISECONDS);
            assertThatThrownBy(() -> timedOut.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(
                    java.util.concurrent.TimeoutException.class);
            CompletableFuture<Integer> kept = session.runAsync(Map.of(), out -> read.incrementAndGet());

            runsHeld.countDown();
            assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(kept.get(30, TimeUnit.SECONDS)).isEqualTo(2);
        }
        assertThat(runs).hasValue(2);
        assertThat(read).hasValue(2);
    }

    /** Cancelled requests leave the queue: the limit counts only requests someone still waits for. */
    @Test
    void cancelledRequestsFreeTheirPlacesInALimitedQueue() throws Exception {
        runsHeld = new CountDownLatch(1);
        try (InferenceSession session = InferenceSession.of(model(0, false), 1, 2)) {
            CompletableFuture<Map<String, HostTensor>> running = session.runAsync(Map.of());
            List<CompletableFuture<Map<String, HostTensor>>> given = List.of(session.runAsync(Map.of()),
                    session.runAsync(Map.of()));
            given.forEach(f -> f.cancel(true));
            List<CompletableFuture<Map<String, HostTensor>>> live = List.of(session.runAsync(Map.of()),
                    session.runAsync(Map.of()));

            runsHeld.countDown();
            running.get(30, TimeUnit.SECONDS);
            for (CompletableFuture<Map<String, HostTensor>> f : live) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(runs).hasValue(3);
    }

    /**
     * A request cancelled while it waits for a context (held by a direct run) gives the context back unused: its
     * reader never runs.
     */
    @Test
    void aRequestCancelledWhileWaitingForAContextNeverRuns() throws Exception {
        runsHeld = new CountDownLatch(1);
        AtomicInteger read = new AtomicInteger();
        try (InferenceSession session = InferenceSession.of(model(0, false), 1)) {
            Thread direct = new Thread(() -> session.run(Map.of()), "direct");
            direct.start();
            while (notYetWaiting(direct)) { // in the model's run, holding the one context
                Thread.sleep(5);
            }
            CompletableFuture<Integer> waiting = session.runAsync(Map.of(), out -> read.incrementAndGet());
            Thread.sleep(100); // on a session thread by now, waiting for the context
            assertThat(waiting.cancel(true)).isTrue();

            runsHeld.countDown();
            direct.join(30_000);
            // the context is free again: a later request runs
            assertThat(session.runAsync(Map.of(), out -> 7).get(30, TimeUnit.SECONDS)).isEqualTo(7);
        }
        assertThat(read).hasValue(0);
        assertThat(runs).hasValue(2);
    }

    /** Whether {@code thread} has yet to wait: this model's runs wait for {@link #runsHeld} holding a context. */
    private static boolean notYetWaiting(Thread thread) {
        return thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING;
    }

    /** With a limit on queued requests, one past it is refused at the call rather than queued. */
    @Test
    void requestsPastTheQueueLimitAreRefusedAtTheCall() throws Exception {
        runsHeld = new CountDownLatch(1);
        try (InferenceSession session = InferenceSession.of(model(0, false), 1, 2)) {
            // the pool hands its first request to the thread it starts for it: only the next two wait
            CompletableFuture<Map<String, HostTensor>> running = session.runAsync(Map.of());
            List<CompletableFuture<Map<String, HostTensor>>> queued = List.of(session.runAsync(Map.of()),
                    session.runAsync(Map.of()));
            assertThatThrownBy(() -> session.runAsync(Map.of()))
                    .isInstanceOf(java.util.concurrent.RejectedExecutionException.class)
                    .hasMessageEndingWith(": 2 requests wait for a context already (InferenceOptions.maxQueued)");

            runsHeld.countDown();
            running.get(30, TimeUnit.SECONDS);
            for (CompletableFuture<Map<String, HostTensor>> f : queued) {
                f.get(30, TimeUnit.SECONDS);
            }
            // the queue has room again
            assertThat(session.runAsync(Map.of()).get(30, TimeUnit.SECONDS)).isEmpty();
        }
        assertThat(runs).hasValue(4);
        assertThatThrownBy(() -> InferenceSession.of(model(0, false), 1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queued requests must be 0 (no limit) or more, got -1");
        assertThat(modelsClosed).hasValue(2);
    }

    /** The last session thread runs the freeing itself; close() must not return while it is still alive. */
    @Test
    void closeReturnsOnlyOnceTheSessionsThreadsHaveEnded() throws Exception {
        for (int i = 0; i < 50; i++) {
            InferenceSession session = InferenceSession.of(model(0, false), 2);
            CompletableFuture<Thread> first = session.runAsync(Map.of(), out -> Thread.currentThread());
            CompletableFuture<Thread> second = session.runAsync(Map.of(), out -> Thread.currentThread());
            Thread a = first.get(30, TimeUnit.SECONDS);
            Thread b = second.get(30, TimeUnit.SECONDS);
            session.close();
            assertThat(a.isAlive() || b.isAlive()).as("a session thread alive after close(), round %d", i).isFalse();
        }
    }

    @Test
    void nullArgumentsFailAtTheCallBeforeAnythingRuns() {
        InferenceSession session = InferenceSession.of(model(0, false), 1);
        assertThatThrownBy(() -> session.run(Map.of(), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("reader");
        assertThatThrownBy(() -> session.runAsync(Map.of(), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("reader");
        assertThatThrownBy(() -> session.runAsync(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("inputs");
        assertThatThrownBy(() -> session.runAsync(Map.of(), out -> 1, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("executor");
        assertThat(runs).as("no request ran").hasValue(0);
        session.close();
    }

    @Test
    void theContextCountStaysWhatWasOpenedAfterClose() {
        InferenceSession session = InferenceSession.of(model(0, false), 3);
        assertThat(session.contexts()).isEqualTo(3);
        session.close();
        assertThat(session.contexts()).as("a monitoring endpoint reading it after shutdown").isEqualTo(3);
    }

    /** Waits (30 s at most) until {@code thread} parks, e.g. in close()'s wait for the accepted requests. */
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            assertThat(thread.isAlive()).as(thread.getName() + " ended instead of waiting").isTrue();
            assertThat(System.nanoTime()).as(thread.getName() + " never waited").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void runAsyncRacingCloseFailsTheFutureInsteadOfThrowing() throws Exception {
        for (int i = 0; i < 300; i++) {
            InferenceSession session = InferenceSession.of(model(0, false), 1);
            CountDownLatch start = new CountDownLatch(1);
            Thread closer = new Thread(() -> {
                start.countDown();
                session.close();
            });
            closer.start();
            start.await();
            CompletableFuture<Map<String, HostTensor>> request = session.runAsync(Map.of());
            try {
                assertThat(request.get(30, TimeUnit.SECONDS)).isEmpty();
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
            }
            closer.join();
        }
    }

    @Test
    void aContextThatFailsToCloseDoesNotLeakTheOthersOrTheModel() {
        InferenceSession session = InferenceSession.of(model(0, true), 3);
        assertThatThrownBy(session::close).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("cudaStreamSynchronize failed")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
        assertThat(contextsClosed).hasValue(3);
        assertThat(modelsClosed).hasValue(1);
        session.close();
        assertThat(contextsClosed).hasValue(3);
    }

    @Test
    void closeInsideOneOfItsOwnRequestsIsRefusedInsteadOfWaitingForItself() throws Exception {
        InferenceSession session = InferenceSession.of(model(0, false), 1);
        assertThatThrownBy(() -> session.run(Map.of(), out -> {
            session.close();
            return 0;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside one of its own requests");
        assertThatThrownBy(() -> session.runAsync(Map.of(), out -> {
            session.close();
            return 0;
        }).get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(session.run(Map.of())).isEmpty();
        session.close();
        assertThat(modelsClosed).hasValue(1);
    }

    /** A reader that holds its request until {@code go} opens, so that stages chained meanwhile run after it. */
    private static OutputReader<Integer> heldUntil(CountDownLatch go) {
        return out -> {
            try {
                return go.await(30, TimeUnit.SECONDS) ? 1 : 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        };
    }

    @Test
    void closeFromAStageRunsOffTheSessionsThreadsAndFreesOnceItsAcceptedRequestsAreDone() throws Exception {
        InferenceSession session = InferenceSession.of(model(0, false), 1);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Integer> first = session.runAsync(Map.of(), heldUntil(go));
        CompletableFuture<String> closedOn = first.thenApply(label -> {
            session.close();
            return Thread.currentThread().getName();
        });
        CompletableFuture<Map<String, HostTensor>> queued = session.runAsync(Map.of());
        go.countDown();

        assertThat(closedOn.get(30, TimeUnit.SECONDS)).startsWith("trt4j-completion-");
        // the stage's close() waited for the queued request to run and for the freeing; the request's future
        // completes on the completion threads, which close() does not wait for, so it may still be completing
        assertThat(runs).hasValue(2);
        assertThat(modelsClosed).hasValue(1);
        assertThat(queued).succeedsWithin(30, TimeUnit.SECONDS).isEqualTo(Map.of());
        assertThatThrownBy(() -> session.run(Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        session.close();
        assertThat(runs).hasValue(2);
        assertThat(contextsClosed).hasValue(1);
        assertThat(modelsClosed).hasValue(1);
    }

    @Test
    void aStageThatClosedItsSessionIsRefusedFurtherRequestsInsteadOfWaiting() throws Exception {
        InferenceSession session = InferenceSession.of(model(0, false), 1);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<List<Throwable>> refusals = session.runAsync(Map.of(), heldUntil(go)).thenApply(label -> {
            session.close();
            session.close();
            Throwable sync = catchThrowable(() -> session.run(Map.of()));
            Throwable async = catchThrowable(() -> session.runAsync(Map.of()).get(30, TimeUnit.SECONDS));
            return List.of(sync, async);
        });
        go.countDown();

        List<Throwable> got = refusals.get(30, TimeUnit.SECONDS);
        assertThat(got.get(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        assertThat(got.get(1)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        session.close();
        assertThat(runs).hasValue(1);
        assertThat(modelsClosed).hasValue(1);
    }

    @Test
    void aFailureToFreeOnCloseFromAStageFailsThatStageAndLeavesLaterClosesQuiet() throws Exception {
        InferenceSession session = InferenceSession.of(model(0, true), 2);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Void> closing = session.runAsync(Map.of(), heldUntil(go)).thenRun(session::close);
        go.countDown();
        assertThatThrownBy(() -> closing.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(Trt4jException.class).hasMessageContaining("cudaStreamSynchronize failed");

        session.close();  // the stage's close() reported the failure; nothing is freed twice
        assertThat(contextsClosed).hasValue(2);
        assertThat(modelsClosed).hasValue(1);
    }

    @Test
    void runInsideOneOfItsOwnReadersIsRefusedInsteadOfWaitingForItsOwnContext() {
        InferenceSession session = InferenceSession.of(model(0, false), 1);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertThatThrownBy(() -> session.run(Map.of(), out -> session.run(Map.of())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("run() was called inside one of its own requests");
            assertThat(session.run(Map.of())).isEmpty();
        });
        session.close();
        assertThat(runs).hasValue(2);
    }

    /** With one context and one thread, a stage run on that thread would wait for a request queued behind itself. */
    @Test
    void aStageMayWaitForMoreRequestsOfItsOneContextSession() throws Exception {
        InferenceSession session = InferenceSession.of(model(0, false), 1);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            // each request is held until its stage is chained: a stage chained on a completed future would run at
            // once on this thread, and the test would pass without any hand-off
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<String> after = session.runAsync(Map.of(), heldUntil(go))
                    .thenApply(first -> session.runAsync(Map.of()).join().size() + " on "
                            + Thread.currentThread().getName());
            go.countDown();
            assertThat(after.get()).startsWith("0 on trt4j-completion-");
            // a failed request hands its failure off the session's threads too
            CountDownLatch fail = new CountDownLatch(1);
            CompletableFuture<String> recovered = session.<Integer>runAsync(Map.of(), out -> {
                heldUntil(fail).read(out);
                throw new IllegalArgumentException("reader failed");
            }).exceptionally(e -> {
                assertThat(e instanceof java.util.concurrent.CompletionException ? e.getCause() : e)
                        .isInstanceOf(IllegalArgumentException.class).hasMessage("reader failed");
                return session.runAsync(Map.of()).join().size() + 1;
            }).thenApply(n -> n + " on " + Thread.currentThread().getName());
            fail.countDown();
            assertThat(recovered.get()).startsWith("1 on trt4j-completion-");
        });
        session.close();
        assertThat(runs).hasValue(4);
        assertThat(modelsClosed).hasValue(1);
    }

    /**
     * Stages that block without telling a fork-join pool (a barrier, a lock, a socket) must not starve the hand-off of
     * other completions: more of them than the machine has cores all get a thread of their own.
     */
    @Test
    void blockingStagesBeyondTheCoreCountEachGetACompletionThread() throws Exception {
        InferenceSession session = InferenceSession.of(model(0, false), 1);
        int stages = Runtime.getRuntime().availableProcessors() + 2;
        CyclicBarrier allStarted = new CyclicBarrier(stages);
        CountDownLatch go = new CountDownLatch(1);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            List<CompletableFuture<String>> blocked = new ArrayList<>();
            for (int i = 0; i < stages; i++) {
                // held until every stage is chained, so none runs at once on this thread
                blocked.add(session.runAsync(Map.of(), heldUntil(go)).thenApply(out -> {
                    try {
                        allStarted.await();
                    } catch (InterruptedException | BrokenBarrierException e) {
                        throw new IllegalStateException(e);
                    }
                    return Thread.currentThread().getName();
                }));
            }
            go.countDown();
            for (CompletableFuture<String> stage : blocked) {
                assertThat(stage.get()).startsWith("trt4j-completion-");
            }
        });
        session.close();
        assertThat(runs).hasValue(stages);
    }

    @Test
    void runAsyncInsideOneOfItsOwnReadersIsRefusedInsteadOfQueueingBehindItself() {
        InferenceSession session = InferenceSession.of(model(0, false), 1);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertThatThrownBy(() -> session.runAsync(Map.of(), out -> session.runAsync(Map.of()).join())
                    .get()).isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("runAsync() was called inside one of its own requests");
            assertThatThrownBy(() -> session.run(Map.of(), out -> session.runAsync(Map.of(), o -> 1, Runnable::run)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("runAsync() was called inside");
            assertThat(session.run(Map.of())).isEmpty();
        });
        session.close();
        assertThat(runs).hasValue(3);
    }

    @Test
    void aFailedOpenClosesTheContextsMadeAndTheModel() {
        assertThatThrownBy(() -> InferenceSession.of(model(3, false), 4)).isInstanceOf(OutOfMemoryError.class);
        assertThat(contextsClosed).hasValue(2);
        assertThat(modelsClosed).hasValue(1);
        assertThatThrownBy(() -> InferenceSession.of(model(0, false), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 context");
        assertThat(modelsClosed).hasValue(2);
    }
}
