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

    /** A model whose runs take {@code runMillis}; context number {@code failingOpen} fails to open (0: none). */
    private LoadedModel model(long runMillis, int failingOpen, boolean contextsFailToClose) {
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
                            Thread.sleep(runMillis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
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
        InferenceSession session = InferenceSession.of(model(100, 0, false), 1);
        CompletableFuture<Map<String, HostTensor>> running = session.runAsync(Map.of());
        CompletableFuture<Map<String, HostTensor>> queued = session.runAsync(Map.of());
        session.close();
        assertThat(running.get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(queued.get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(runs).hasValue(2);
        assertThat(modelsClosed).hasValue(1);
        assertThatThrownBy(() -> session.runAsync(Map.of()).get()).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void runAsyncRacingCloseFailsTheFutureInsteadOfThrowing() throws Exception {
        for (int i = 0; i < 300; i++) {
            InferenceSession session = InferenceSession.of(model(0, 0, false), 1);
            CountDownLatch start = new CountDownLatch(1);
            Thread closer = new Thread(() -> {
                start.countDown();
                session.close();
            });
            closer.start();
            start.await();
            CompletableFuture<Map<String, HostTensor>> request = session.runAsync(Map.of());
            try {
                assertThat(request.get(5, TimeUnit.SECONDS)).isEmpty();
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
            }
            closer.join();
        }
    }

    @Test
    void aContextThatFailsToCloseDoesNotLeakTheOthersOrTheModel() {
        InferenceSession session = InferenceSession.of(model(0, 0, true), 3);
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
        InferenceSession session = InferenceSession.of(model(0, 0, false), 1);
        assertThatThrownBy(() -> session.run(Map.of(), out -> {
            session.close();
            return 0;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("inside one of its own requests");
        assertThatThrownBy(() -> session.runAsync(Map.of(), out -> {
            session.close();
            return 0;
        }).get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(session.run(Map.of())).isEmpty();
        session.close();
        assertThat(modelsClosed).hasValue(1);
    }

    /** A reader that holds its request until {@code go} opens, so that stages chained meanwhile run after it. */
    private static OutputReader<Integer> heldUntil(CountDownLatch go) {
        return out -> {
            try {
                return go.await(10, TimeUnit.SECONDS) ? 1 : 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        };
    }

    @Test
    void closeFromAStageRunsOffTheSessionsThreadsAndFreesOnceItsAcceptedRequestsAreDone() throws Exception {
        InferenceSession session = InferenceSession.of(model(0, 0, false), 1);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Integer> first = session.runAsync(Map.of(), heldUntil(go));
        CompletableFuture<String> closedOn = first.thenApply(label -> {
            session.close();
            return Thread.currentThread().getName();
        });
        CompletableFuture<Map<String, HostTensor>> queued = session.runAsync(Map.of());
        go.countDown();

        assertThat(closedOn.get(10, TimeUnit.SECONDS)).doesNotStartWith("trt4j-session-");
        // the stage's close() waited for the queued request and the freeing
        assertThat(queued).isCompletedWithValue(Map.of());
        assertThat(modelsClosed).hasValue(1);
        assertThatThrownBy(() -> session.run(Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        session.close();
        assertThat(runs).hasValue(2);
        assertThat(contextsClosed).hasValue(1);
        assertThat(modelsClosed).hasValue(1);
    }

    @Test
    void aStageThatClosedItsSessionIsRefusedFurtherRequestsInsteadOfWaiting() throws Exception {
        InferenceSession session = InferenceSession.of(model(0, 0, false), 1);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<List<Throwable>> refusals = session.runAsync(Map.of(), heldUntil(go)).thenApply(label -> {
            session.close();
            session.close();
            Throwable sync = catchThrowable(() -> session.run(Map.of()));
            Throwable async = catchThrowable(() -> session.runAsync(Map.of()).get(10, TimeUnit.SECONDS));
            return List.of(sync, async);
        });
        go.countDown();

        List<Throwable> got = refusals.get(10, TimeUnit.SECONDS);
        assertThat(got.get(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        assertThat(got.get(1)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        session.close();
        assertThat(runs).hasValue(1);
        assertThat(modelsClosed).hasValue(1);
    }

    @Test
    void aFailureToFreeOnCloseFromAStageFailsThatStageAndLeavesLaterClosesQuiet() throws Exception {
        InferenceSession session = InferenceSession.of(model(0, 0, true), 2);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Void> closing = session.runAsync(Map.of(), heldUntil(go)).thenRun(session::close);
        go.countDown();
        assertThatThrownBy(() -> closing.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(Trt4jException.class).hasMessageContaining("cudaStreamSynchronize failed");

        session.close();  // the stage's close() reported the failure; nothing is freed twice
        assertThat(contextsClosed).hasValue(2);
        assertThat(modelsClosed).hasValue(1);
    }

    @Test
    void runInsideOneOfItsOwnReadersIsRefusedInsteadOfWaitingForItsOwnContext() {
        InferenceSession session = InferenceSession.of(model(0, 0, false), 1);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
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
        InferenceSession session = InferenceSession.of(model(0, 0, false), 1);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            CompletableFuture<String> after = session.runAsync(Map.of())
                    .thenApply(first -> session.runAsync(Map.of()).join().size() + " on "
                            + Thread.currentThread().getName());
            assertThat(after.get()).startsWith("0 on ").doesNotContain("trt4j-session-");
            // a failed request hands its failure off the session's threads too
            CompletableFuture<Integer> recovered = session.<Integer>runAsync(Map.of(), out -> {
                throw new IllegalArgumentException("reader failed");
            }).exceptionally(e -> session.runAsync(Map.of()).join().size() + 1);
            assertThat(recovered.get()).isEqualTo(1);
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
        InferenceSession session = InferenceSession.of(model(0, 0, false), 1);
        int stages = Runtime.getRuntime().availableProcessors() + 2;
        CyclicBarrier allStarted = new CyclicBarrier(stages);
        CountDownLatch go = new CountDownLatch(1);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
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
        InferenceSession session = InferenceSession.of(model(0, 0, false), 1);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
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
        assertThatThrownBy(() -> InferenceSession.of(model(0, 3, false), 4)).isInstanceOf(OutOfMemoryError.class);
        assertThat(contextsClosed).hasValue(2);
        assertThat(modelsClosed).hasValue(1);
        assertThatThrownBy(() -> InferenceSession.of(model(0, 0, false), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 context");
        assertThat(modelsClosed).hasValue(2);
    }
}
