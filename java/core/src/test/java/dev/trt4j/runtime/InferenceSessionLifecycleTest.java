package dev.trt4j.runtime;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
