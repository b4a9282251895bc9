package dev.trt4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trt4j.ort.OrtRuntime;
import dev.trt4j.runtime.InferenceOptions;
import dev.trt4j.runtime.InferenceSession;
import dev.trt4j.tensor.HostTensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The cost of trt4j's service API over calling ONNX Runtime directly, on the PP-OCR text-direction classifier
 * ({@code x [1,3,48,192]}, one intra-op thread, all graph optimisations), in the same JVM and run. Every variant
 * starts from the same heap {@code float[]} image and ends with the predicted label:
 * <ul>
 *   <li>{@code ortDirect}: a new {@code OnnxTensor} per call, {@code session.run}, {@code getValue()} - the usual
 *       way ONNX Runtime's Java API is called;</li>
 *   <li>{@code ortDirectPreparedTensor}: ONNX Runtime's floor, the input tensor made once outside the loop;</li>
 *   <li>{@code trt4jSession}: {@link InferenceSession#run(Map, dev.trt4j.runtime.OutputReader)}, reading the scores
 *       in place.</li>
 * </ul>
 * The figure of merit is {@code trt4jSession / ortDirect} (target: within 2 %).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InferenceSessionOverheadBenchmark {
    private static final long[] SHAPE = {1, 3, 48, 192};

    private Path model;
    private float[] image;
    private OrtEnvironment env;
    private OrtSession ort;
    private OnnxTensor prepared;
    private InferenceSession session;
    private String output;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        model = Files.createTempFile("ppocr-cls", ".onnx");
        try (InputStream in = getClass().getResourceAsStream("/models/ch_ppocr_mobile_v2.0_cls_infer.onnx")) {
            Files.copy(in, model, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        SplittableRandom random = new SplittableRandom(42);
        image = new float[3 * 48 * 192];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) (random.nextDouble() * 2 - 1);
        }
        env = OrtRuntime.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            ort = env.createSession(model.toString(), options);
        }
        prepared = OnnxTensor.createTensor(env, FloatBuffer.wrap(image), SHAPE);
        session = InferenceSession.open(model, new InferenceOptions(1, 1, null));
        output = session.outputs().get(0).name();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, OrtException {
        session.close();
        prepared.close();
        ort.close();
        Files.deleteIfExists(model);
    }

    @Benchmark
    public int ortDirect() throws OrtException {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(image), SHAPE);
             OrtSession.Result result = ort.run(Map.of("x", x))) {
            float[] scores = ((float[][]) result.get(0).getValue())[0];
            return scores[0] >= scores[1] ? 0 : 1;
        }
    }

    @Benchmark
    public int ortDirectPreparedTensor() throws OrtException {
        try (OrtSession.Result result = ort.run(Map.of("x", prepared))) {
            float[] scores = ((float[][]) result.get(0).getValue())[0];
            return scores[0] >= scores[1] ? 0 : 1;
        }
    }

    @Benchmark
    public int trt4jSession() {
        return session.run(Map.of("x", HostTensor.ofFloats(SHAPE, image)), out -> {
            FloatBuffer scores = out.floats(output);
            return scores.get(0) >= scores.get(1) ? 0 : 1;
        });
    }
}
