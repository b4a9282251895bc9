package dev.trt4j.ort;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.trt4j.onnx.TestGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model past 2 GiB has no protobuf bytes: ONNX Runtime gets it as a private folder holding the model and its
 * weights in a data file, gone once the session is open. The limit is lowered here to 0 bytes.
 */
class SpooledModelTest {
    @Test
    void aModelPastTheLimitRunsFromAFolderWithExternalDataThatIsThenDeleted() throws Exception {
        float[] w = new float[16 * 32]; // 2 KiB: moved to the data file
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7 - 3) * 0.125f;
        }
        ModelProto model = new TestGraph()
                .input("x", TestGraph.FLOAT, 1, 16)
                .initializer("w", new long[] {16, 32}, w)
                .node("MatMul", List.of("x", "w"), List.of("y"))
                .output("y", TestGraph.FLOAT, 1, 32)
                .build(13);

        Path spooled = SpooledModel.write(model, Path.of("m.onnx"), 0);
        float[] fromFolder;
        try {
            Path folder = spooled.getParent();
            assertThat(folder.getFileName().toString()).startsWith(SpooledModel.FOLDER_PREFIX);
            assertThat(SpooledModel.live()).as("deleted by a stopping JVM").contains(spooled);
            assertThat(Files.size(folder.resolve("model.onnx.data"))).isEqualTo(4L * w.length);
            TensorProto t = ModelProto.parseFrom(Files.readAllBytes(spooled)).getGraph().getInitializer(0);
            assertThat(t.getDataLocation()).isEqualTo(TensorProto.DataLocation.EXTERNAL);
            try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions();
                 OrtSession session = OrtRuntime.createSession(spooled, options,
                         OrtSession.SessionOptions.OptLevel.NO_OPT)) {
                fromFolder = run(session);
            }
        } finally {
            SpooledModel.delete(spooled);
        }
        assertThat(spooled.getParent()).doesNotExist();
        assertThat(SpooledModel.live()).doesNotContain(spooled);
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions();
             OrtSession session = OrtRuntime.createSession(model.toByteArray(), options,
                     OrtSession.SessionOptions.OptLevel.NO_OPT)) {
            assertThat(fromFolder).containsExactly(run(session));
        }
    }

    /**
     * A JVM stopped by a signal (Ctrl-C, SIGTERM) deletes the copy, data file and folder too; a copy the main thread
     * begins while the JVM stops is refused, since nothing would delete it (a study's next candidate). SIGKILL
     * cannot be cleaned up after.
     */
    @Test
    void aStoppedJvmDeletesItsCopyAndBeginsNoOther(@TempDir Path tmp) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                StoppedSpoolMain.class.getName()).redirectErrorStream(true).start();
        List<String> lines = new java.util.ArrayList<>();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            String first = out.readLine();
            assertThat(first).startsWith("spooled ");
            Path spooled = Path.of(first.substring("spooled ".length()));
            assertThat(spooled.resolveSibling("model.onnx.data")).exists();
            // SIGTERM, as on Ctrl-C the JVM runs its shutdown hooks; through the handle, which keeps stdout open
            p.toHandle().destroy();
            out.lines().forEach(lines::add); // until the JVM is gone
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("second copy refused: interrupted"));
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("trt4j-")))
                    .as("no copy left").isEmpty();
        }
    }

    /** A temporary folder that cannot take the copy is named with the reason, in the words other writes use. */
    @Test
    void aMissingTemporaryFolderIsNamedWithTheReason(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("nonexistent");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + missing, "-cp", System.getProperty("java.class.path"),
                StoppedSpoolMain.class.getName(), "once").redirectErrorStream(true).start();
        List<String> lines;
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            lines = out.lines().toList();
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(lines).contains("m.onnx: cannot write the model's temporary copy for ONNX Runtime in " + missing
                + ": no such folder");
    }

    private static float[] run(OrtSession session) throws Exception {
        float[] x = new float[16];
        for (int i = 0; i < x.length; i++) {
            x[i] = i - 8;
        }
        try (OnnxTensor input = OnnxTensor.createTensor(OrtRuntime.environment(), FloatBuffer.wrap(x),
                new long[] {1, 16});
             OrtSession.Result r = session.run(Map.of("x", input))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] y = new float[b.remaining()];
            b.get(y);
            return y;
        }
    }
}
