package dev.trt4j.ort;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class Float16FusionGuardTest {
    @TempDir
    Path dir;

    /** The file is read in 1 MiB chunks: the name is found wherever it lies, across two chunks too. */
    @Test
    void findsTheOperatorNameAnywhereInAModelFile() throws Exception {
        byte[] name = "CastLike".getBytes(StandardCharsets.US_ASCII);
        for (int at : new int[] {0, 100, (1 << 20) - 4, (1 << 20) - 8, (1 << 20) - 1, 3 << 20}) {
            byte[] model = new byte[(3 << 20) + 64];
            Arrays.fill(model, (byte) 'C');
            System.arraycopy(name, 0, model, at, name.length);
            Path file = dir.resolve("m" + at + ".onnx");
            Files.write(file, model);
            assertThat(Float16FusionGuard.mentions(file)).as("at %d", at).isTrue();
        }
        byte[] without = new byte[(2 << 20) + 5];
        Arrays.fill(without, (byte) 'C');
        System.arraycopy("CastLik".getBytes(StandardCharsets.US_ASCII), 0, without, (1 << 20) - 3, 7);
        Files.write(dir.resolve("none.onnx"), without);
        assertThat(Float16FusionGuard.mentions(dir.resolve("none.onnx"))).isFalse();
        assertThat(Float16FusionGuard.mentions(dir.resolve("missing.onnx"))).as("unreadable: guarded").isTrue();
    }

    /**
     * Only full optimisation runs the failing optimiser, so only there is it left out (and the model scanned): a
     * session below that level keeps its options as given.
     */
    @Test
    void leavesTheOptimiserOutOnlyAtFullOptimisation() throws Exception {
        Path model = dir.resolve("castlike-name.onnx");
        // Not a valid model: ONNX Runtime refuses it after the guard has run, which is all this looks at.
        Files.write(model, "CastLike".getBytes(StandardCharsets.US_ASCII));
        for (OrtSession.SessionOptions.OptLevel level : OrtSession.SessionOptions.OptLevel.values()) {
            try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions()) {
                try {
                    OrtRuntime.createSession(model, options, level).close();
                } catch (OrtException refused) {
                    // expected: the bytes are not a model
                }
                assertThat(options.getConfigEntries().containsKey("optimization.disable_specified_optimizers"))
                        .as("%s", level).isEqualTo(level == OrtSession.SessionOptions.OptLevel.ALL_OPT);
            }
        }
    }
}
