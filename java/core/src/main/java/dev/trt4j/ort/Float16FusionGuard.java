package dev.trt4j.ort;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps ONNX Runtime 1.29 from aborting the process on a model with a {@code CastLike} of a float16 initializer: its
 * {@code FuseFp16InitializerToFp32NodeTransformer} (full optimisation) fails an assertion there and takes the JVM
 * down (exit 134). That optimiser is left out for models whose bytes hold the operator name {@code CastLike}, and
 * only for them: elsewhere it turns float16 weights into float32 once at load, which made FP16 models 6–27 % faster
 * on CPU.
 */
final class Float16FusionGuard {
    private static final String OPTIMIZER = "FuseFp16InitializerToFp32NodeTransformer";
    private static final byte[] OPERATOR = "CastLike".getBytes(StandardCharsets.US_ASCII);

    private Float16FusionGuard() {
    }

    /** Leaves the optimiser out of {@code options} where {@code model} mentions {@code CastLike}. */
    static void apply(OrtSession.SessionOptions options, byte[] model) throws OrtException {
        if (indexOf(model, model.length, OPERATOR) >= 0) {
            leaveOut(options);
        }
    }

    /**
     * As {@link #apply(OrtSession.SessionOptions, byte[])} for a model file, read in chunks; an unreadable file gets
     * the optimiser left out (ONNX Runtime then reports why it cannot read it).
     */
    static void apply(OrtSession.SessionOptions options, Path model) throws OrtException {
        if (mentions(model)) {
            leaveOut(options);
        }
    }

    static boolean mentions(Path model) {
        byte[] buffer = new byte[1 << 20];
        int kept = 0;
        try (InputStream in = Files.newInputStream(model)) {
            int n;
            while ((n = in.read(buffer, kept, buffer.length - kept)) > 0) {
                int filled = kept + n;
                if (indexOf(buffer, filled, OPERATOR) >= 0) {
                    return true;
                }
                // the name may straddle two chunks
                kept = Math.min(OPERATOR.length - 1, filled);
                System.arraycopy(buffer, filled - kept, buffer, 0, kept);
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void leaveOut(OrtSession.SessionOptions options) throws OrtException {
        options.addConfigEntry("optimization.disable_specified_optimizers", OPTIMIZER);
    }

    private static int indexOf(byte[] data, int length, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= length; i++) {
            if (data[i] != pattern[0]) {
                continue;
            }
            for (int k = 1; k < pattern.length; k++) {
                if (data[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
