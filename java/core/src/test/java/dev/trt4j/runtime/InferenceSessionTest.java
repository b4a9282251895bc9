package dev.trt4j.runtime;

import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.TestModels;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The ONNX Runtime backend of the service API on the real PP-OCR text-direction classifier (x [N,3,48,192]). */
class InferenceSessionTest {
    @TempDir
    static Path dir;
    static Path model;
    static InferenceSession session;
    static String output;

    @BeforeAll
    static void open() {
        model = TestModels.ppocrClassifier(dir);
        session = InferenceSession.open(model, InferenceOptions.defaults().withContexts(3).withIntraOpThreads(1));
        output = session.outputs().get(0).name();
    }

    @AfterAll
    static void close() {
        session.close();
    }

    private static Map<String, HostTensor> image(long seed, int batch) {
        Random random = new Random(seed);
        float[] pixels = new float[batch * 3 * 48 * 192];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat() * 2 - 1;
        }
        return Map.of("x", HostTensor.ofFloats(new long[] {batch, 3, 48, 192}, pixels));
    }

    @Test
    void matchesOnnxRuntimeCalledDirectlyAcrossShapeChanges() {
        try (OrtModelRunner direct = OrtModelRunner.open(model, OrtRunnerOptions.defaults().withIntraOpThreads(1))) {
            // the same context sees batch 1, 1 (pinned outputs), 4 (new shape) and 1 again
            for (int[] query : new int[][] {{1, 1}, {2, 1}, {3, 4}, {4, 1}}) {
                Map<String, HostTensor> in = image(query[0], query[1]);
                float[] expected = direct.run(new dev.trt4j.data.Batch(query[1], in)).get(output).floats();
                HostTensor got = session.run(in).get(output);
                assertThat(got.shape()).containsExactly(query[1], 2);
                assertThat(got.floats()).containsExactly(expected, within(1e-6f));
            }
        }
    }

    @Test
    void concurrentRequestsGetTheSameAnswersAsSequentialOnes() throws Exception {
        int requests = 24;
        List<float[]> sequential = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            sequential.add(session.run(image(100 + i, 1)).get(output).floats());
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int seed = 100 + i;
                Callable<float[]> request = () -> session.run(image(seed, 1), out -> {
                    FloatBuffer scores = out.floats(output);
                    float[] copy = new float[scores.remaining()];
                    scores.get(copy);
                    return copy;
                });
                futures.add(threads.submit(request));
            }
            for (int i = 0; i < requests; i++) {
                assertThat(futures.get(i).get()).containsExactly(sequential.get(i));
            }
        } finally {
            threads.shutdownNow();
        }
        List<CompletableFuture<Map<String, HostTensor>>> async = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            async.add(session.runAsync(image(100 + i, 1)));
        }
        for (int i = 0; i < requests; i++) {
            assertThat(async.get(i).get().get(output).floats()).containsExactly(sequential.get(i));
        }
    }

    @Test
    void readsOutputsInPlace() {
        int label = session.run(image(7, 1), out -> {
            FloatBuffer p = out.floats(output);
            assertThat(p.isReadOnly()).isTrue();
            assertThat(out.shape(output)).containsExactly(1, 2);
            return p.get(0) >= p.get(1) ? 0 : 1;
        });
        float[] copy = session.run(image(7, 1)).get(output).floats();
        assertThat(label).isEqualTo(copy[0] >= copy[1] ? 0 : 1);
        assertThat(copy[0] + copy[1]).isCloseTo(1f, within(1e-4f)); // the classifier ends in a softmax
    }

    @Test
    void outputsKeptPastTheirReaderRefuseToBeReadInsteadOfShowingLaterRequests() {
        Outputs kept = session.run(image(7, 1), out -> out);
        for (Runnable read : List.<Runnable>of(kept::names, () -> kept.shape(output), () -> kept.floats(output),
                () -> kept.copy(output))) {
            assertThatThrownBy(read::run).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("outputs read after their OutputReader returned")
                    .hasMessageContaining("copy() what must outlive the reader inside it");
        }
        HostTensor copied = session.run(image(7, 1), out -> out.copy(output));
        assertThat(copied.shape()).containsExactly(1, 2);
    }

    @Test
    void badInputsAreOneLineErrors() throws java.io.IOException {
        assertThatThrownBy(() -> session.run(Map.of("image", HostTensor.ofFloats(new long[] {1}, new float[1]))))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("unknown input 'image'; inputs are [x]");
        assertThatThrownBy(() -> session.run(Map.of("x", HostTensor.ofFloats(new long[] {1, 1, 48, 192},
                new float[48 * 192])))).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("input 'x' expects shape [").hasMessageContaining("but the data has [1,1,48,192]")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> InferenceSession.open(dir.resolve("missing.onnx"), InferenceOptions.defaults()))
                .isInstanceOf(Trt4jException.class).hasMessageEndingWith("missing.onnx: no such model file");
        Path unknownKind = java.nio.file.Files.writeString(dir.resolve("model.bin"), "weights");
        assertThatThrownBy(() -> InferenceSession.open(unknownKind, InferenceOptions.defaults()))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("no backend runs this kind of file");
        // a service configured with the models folder, or a path without the file's extension: named as such
        assertThatThrownBy(() -> InferenceSession.open(dir, InferenceOptions.defaults()))
                .isExactlyInstanceOf(Trt4jException.class).hasMessage(dir + ": is a folder, expected a file");
        assertThatThrownBy(() -> InferenceSession.open(dir.resolve("cls"), InferenceOptions.defaults()))
                .isExactlyInstanceOf(Trt4jException.class).hasMessage(dir.resolve("cls") + ": no such file");
    }

    /**
     * A wrong engine path is named as such wherever TensorRT cannot run (no trt4j-native here, no driver in CI), as
     * bench names it, not hidden behind the missing backend; a service's misconfiguration shows at once.
     */
    @Test
    void aMissingEngineIsNamedBeforeTheBackendIsAskedFor() {
        assertThatThrownBy(() -> InferenceSession.open(dir.resolve("missing.engine"), InferenceOptions.defaults()))
                .isExactlyInstanceOf(Trt4jException.class)
                .hasMessage(dir.resolve("missing.engine") + ": no such engine file");
        assertThatThrownBy(() -> InferenceSession.open(dir.resolve("missing.plan"),
                InferenceOptions.defaults().withBackend("tensorrt"))).isExactlyInstanceOf(Trt4jException.class)
                .hasMessage(dir.resolve("missing.plan") + ": no such engine file");
        assertThatThrownBy(() -> InferenceSession.open(dir, InferenceOptions.defaults().withBackend("tensorrt")))
                .isExactlyInstanceOf(Trt4jException.class).hasMessage(dir + ": is a folder, expected a file");
    }

    /** An engine that cannot be served here (no TensorRT module) is named with the reason: a service loads many. */
    @Test
    void anEngineWithoutTheBackendIsNamed() throws java.io.IOException {
        Path engine = java.nio.file.Files.write(dir.resolve("served.engine"), new byte[] {1, 2, 3, 4});

        assertThatThrownBy(() -> InferenceSession.open(engine, InferenceOptions.defaults()))
                .isExactlyInstanceOf(Trt4jException.class)
                .hasMessageStartingWith(engine + ": no TensorRT backend: ");
    }

    /** The walkthrough's {@code runAsync(...).thenRun(session::close)}, chained while the request still runs. */
    @Test
    void closeChainedOnRunAsyncDoesNotWaitForItself() throws Exception {
        InferenceSession other = InferenceSession.open(model, InferenceOptions.defaults().withContexts(1));
        CountDownLatch chained = new CountDownLatch(1);
        CompletableFuture<Void> closing = other.runAsync(image(3, 1), out -> {
            try {
                return chained.await(10, TimeUnit.SECONDS) ? out.shape(output)[1] : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1L;
            }
        }).thenRun(other::close);
        chained.countDown();

        closing.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> other.run(image(1, 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        other.close();
    }

    @Test
    void refusesRequestsAfterClose() throws Exception {
        InferenceSession other = InferenceSession.open(model, InferenceOptions.defaults().withContexts(1));
        assertThat(other.run(image(1, 1))).containsKey(output);
        other.close();
        other.close();
        assertThatThrownBy(() -> other.run(image(1, 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        CompletableFuture<Map<String, HostTensor>> late = other.runAsync(image(1, 1));
        assertThatThrownBy(late::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void anInterruptedThreadTakesAFreeContextAndKeepsItsFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThat(session.run(image(1, 1))).containsKey(output);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void nullArgumentsToOpenAreNamed() {
        assertThatThrownBy(() -> InferenceSession.open(null, InferenceOptions.defaults()))
                .isInstanceOf(NullPointerException.class).hasMessage("file");
        assertThatThrownBy(() -> InferenceSession.open(model, null))
                .isInstanceOf(NullPointerException.class).hasMessage("options");
    }
}
