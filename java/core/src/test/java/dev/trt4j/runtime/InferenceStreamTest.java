package dev.trt4j.runtime;

import dev.trt4j.InvalidInputException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.onnx.TestModels;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Streams of a stateful model (state' = 0.5 · state + x) served by one shared session. */
class InferenceStreamTest {
    private static final StateFeedback LINK = StateFeedback.parse(List.of("stateN=state"));

    @TempDir
    static Path dir;
    static InferenceSession session;

    @BeforeAll
    static void open() {
        Path model = TestModels.write(TestModels.decayingState(0.5f), dir, "stream.onnx");
        session = InferenceSession.open(model, InferenceOptions.defaults().withContexts(2).withIntraOpThreads(1));
    }

    @AfterAll
    static void close() {
        session.close();
    }

    private static Map<String, HostTensor> chunk(float value) {
        return Map.of("x", HostTensor.ofFloats(new long[] {1, 4}, new float[] {value, value, value, value}));
    }

    /** The first state value after each chunk of {@code values}, read in place. */
    private static List<Float> states(InferenceStream stream, float... values) {
        List<Float> seen = new ArrayList<>();
        for (float v : values) {
            seen.add(stream.run(chunk(v), out -> out.floats("stateN").get(0)));
        }
        return seen;
    }

    /** Two threads on one stream would read the same state and lose an update silently: the second is refused. */
    @Test
    void aStreamRunningOnOneThreadRefusesAnother() throws Exception {
        InferenceStream stream = session.stream(LINK);
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "chunk-runner"));
        try {
            Future<Float> first = pool.submit(() -> stream.run(chunk(1f), out -> {
                inside.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return out.floats("stateN").get(0);
            }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> stream.run(chunk(2f))).isInstanceOf(IllegalStateException.class)
                    .hasMessageEndingWith("cannot run a chunk while thread 'chunk-runner' runs this stream; a stream's "
                            + "chunks come one after another: give each thread its own stream");
            assertThatThrownBy(stream::reset).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot reset while thread 'chunk-runner' runs this stream");
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1f);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        // the refused calls changed nothing: the next chunk follows the first (0.5 * 1 + 2)
        assertThat(states(stream, 2f)).containsExactly(2.5f);
        // a reader that runs its own stream again is refused the same way
        assertThatThrownBy(() -> stream.run(chunk(1f), out -> stream.run(chunk(1f))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("while this thread runs this stream");
    }

    /** A stream asked of a closed session is refused where it is asked, not at its first run. */
    @Test
    void aClosedSessionGivesNoStream() {
        Path model = TestModels.write(TestModels.decayingState(0.5f), dir, "closed-stream.onnx");
        InferenceSession closed = InferenceSession.open(model, InferenceOptions.defaults());
        InferenceStream opened = closed.stream(LINK);
        closed.close();

        assertThatThrownBy(() -> closed.stream(LINK)).isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("closed-stream.onnx is closed");
        assertThatThrownBy(() -> opened.run(chunk(1f))).isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("closed-stream.onnx is closed");
    }

    @Test
    void aNullTensorIsANullPointerNamingTheInput() {
        Map<String, HostTensor> inputs = new java.util.HashMap<>();
        inputs.put("x", null);
        assertThatThrownBy(() -> session.stream(LINK).run(inputs)).isInstanceOf(NullPointerException.class)
                .hasMessage("input 'x' is null");
    }

    /** Each is the caller's to correct: a service serving streams answers them as bad requests. */
    @Test
    void chunksTheStreamCannotTakeAreInvalidInputs() {
        InferenceStream stream = session.stream(LINK);
        assertThatThrownBy(() -> stream.run(Map.of())).isInstanceOf(InvalidInputException.class)
                .hasMessageEndingWith("stream.onnx: a stream's run needs the inputs of its chunk");
        assertThatThrownBy(() -> stream.run(Map.of("x", HostTensor.ofFloats(new long[] {0, 4}, new float[0]))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageEndingWith("stream.onnx: a stream's chunk has an empty batch dimension");
        Map<String, HostTensor> withState = Map.of("x", chunk(1f).get("x"),
                "state", HostTensor.ofFloats(new long[] {2, 1, 4}, new float[8]));
        assertThatThrownBy(() -> stream.run(withState)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("input 'state' is fed back from 'stateN', so it must not be given as well");

        stream.run(chunk(1f));
        assertThatThrownBy(() -> stream.run(Map.of("x", HostTensor.ofFloats(new long[] {2, 4}, new float[8]))))
                .as("two streams side by side where the run before carried one")
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the state from the run before is [2,1,4], but a batch of 2 needs [2,2,4]");
    }

    @Test
    void theBatchIsTheOpenFirstDimensionNotTheFirstInputOfTheCallersMap() {
        Path model = TestModels.write(TestModels.gainedState(), dir, "gained.onnx");
        try (InferenceSession gained = InferenceSession.open(model, InferenceOptions.defaults())) {
            InferenceStream stream = gained.stream(LINK);
            Map<String, HostTensor> inputs = new java.util.LinkedHashMap<>();
            inputs.put("gain", HostTensor.ofFloats(new long[] {1}, new float[] {2f})); // fixed [1], listed first
            inputs.put("x", HostTensor.ofFloats(new long[] {2, 4}, new float[] {1, 1, 1, 1, 3, 3, 3, 3}));

            HostTensor state = stream.run(inputs).get("stateN");

            assertThat(state.shape()).containsExactly(2, 2, 4);
            assertThat(state.floats()).containsExactly(2, 2, 2, 2, 6, 6, 6, 6, 2, 2, 2, 2, 6, 6, 6, 6);
            // the second stream keeps its own state: taken for a batch of 1, it was cut to the first stream's
            assertThat(stream.run(inputs).get("stateN").floats())
                    .containsExactly(3, 3, 3, 3, 9, 9, 9, 9, 3, 3, 3, 3, 9, 9, 9, 9);
        }
    }

    @Test
    void eachRunContinuesFromTheStateTheRunBeforeReturned() {
        InferenceStream stream = session.stream(LINK);

        assertThat(states(stream, 1, 1, 1)).containsExactly(1f, 1.5f, 1.75f);
        stream.reset();
        assertThat(states(stream, 2)).containsExactly(2f);
        assertThat(stream.run(chunk(0)).get("stateN").floats()).containsOnly(1f);
    }

    @Test
    void streamsOnOneSessionKeepTheirOwnStateAcrossThreads() throws Exception {
        // The two streams take turns, one run each, on two threads: left to run freely, one would likely finish
        // before the other started, and a state kept in the (most recently used, so shared) context would pass.
        Semaphore onesTurn = new Semaphore(1);
        Semaphore foursTurn = new Semaphore(0);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<List<Float>> ones = threads.submit(() -> inTurns(session.stream(LINK), 1, onesTurn, foursTurn));
            Future<List<Float>> fours = threads.submit(() -> inTurns(session.stream(LINK), 4, foursTurn, onesTurn));

            assertThat(ones.get(30, TimeUnit.SECONDS)).containsExactly(1f, 1.5f, 1.75f, 1.875f);
            assertThat(fours.get(30, TimeUnit.SECONDS)).containsExactly(4f, 6f, 7f, 7.5f);
        } finally {
            threads.shutdownNow();
        }
    }

    /** Four runs of {@code value} on {@code stream}, each once {@code mine} is given, then handing {@code theirs} on. */
    private static List<Float> inTurns(InferenceStream stream, float value, Semaphore mine, Semaphore theirs)
            throws InterruptedException {
        List<Float> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            if (!mine.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other stream never handed over");
            }
            seen.addAll(states(stream, value));
            theirs.release();
        }
        return seen;
    }

    @Test
    void aLinkTheModelDoesNotHaveIsRefused() {
        assertThatThrownBy(() -> session.stream(StateFeedback.parse(List.of("hN=h"))))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("state link hN=h names no model output");
    }
}
