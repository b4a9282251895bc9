package dev.trt4j.runtime;

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
import java.util.concurrent.CompletableFuture;

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

    @Test
    void eachRunContinuesFromTheStateTheRunBeforeReturned() {
        InferenceStream stream = session.stream(LINK);

        assertThat(states(stream, 1, 1, 1)).containsExactly(1f, 1.5f, 1.75f);
        stream.reset();
        assertThat(states(stream, 2)).containsExactly(2f);
        assertThat(stream.run(chunk(0)).get("stateN").floats()).containsOnly(1f);
    }

    @Test
    void streamsOnOneSessionKeepTheirOwnStateAcrossThreads() {
        CompletableFuture<List<Float>> ones = CompletableFuture.supplyAsync(
                () -> states(session.stream(LINK), 1, 1, 1, 1));
        CompletableFuture<List<Float>> fours = CompletableFuture.supplyAsync(
                () -> states(session.stream(LINK), 4, 4, 4, 4));

        assertThat(ones.join()).containsExactly(1f, 1.5f, 1.75f, 1.875f);
        assertThat(fours.join()).containsExactly(4f, 6f, 7f, 7.5f);
    }

    @Test
    void aLinkTheModelDoesNotHaveIsRefused() {
        assertThatThrownBy(() -> session.stream(StateFeedback.parse(List.of("hN=h"))))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("state link hN=h names no model output");
    }
}
