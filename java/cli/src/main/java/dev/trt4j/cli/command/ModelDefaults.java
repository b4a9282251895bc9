package dev.trt4j.cli.command;

import dev.trt4j.Trt4jException;
import dev.trt4j.evaluate.CtcGreedyDecoder;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What commands assume about a model when the user does not say: whether it reads text-line images (then the
 * bundled sentences are rendered as its samples), whether it tells upright from upside-down lines (then half the
 * lines are turned), and which keys its CTC output decodes with.
 */
final class ModelDefaults {
    /** The keys of PaddleOCR's Chinese/English recognizers, inside the RapidOCR models jar. */
    static final String BUNDLED_KEYS = "models/ppocr_keys_v1.txt";
    private static final int TEXT_LINE_HEIGHT = 48;

    private ModelDefaults() {
    }

    /**
     * A PP-OCR-like line classifier or recognizer: one image input {@code [N,3,48 or ?,W]} and a class output
     * {@code [N,classes]} or a sequence output {@code [N,steps,classes]} (a detector's output is a map).
     */
    static boolean readsTextLines(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        if (inputs.size() != 1) {
            return false;
        }
        TensorSpec in = inputs.get(0);
        boolean lineImage = in.type() == ElementType.FLOAT32 && in.rank() == 4 && in.dims()[1] == 3
                && (in.dims()[2] == TEXT_LINE_HEIGHT || in.dims()[2] < 0);
        return lineImage && outputs.stream().anyMatch(o -> o.rank() == 2 || o.rank() == 3);
    }

    /** A two-class output {@code [N,2]}: on text lines, PP-OCR's direction classifier. */
    static boolean classifiesDirection(List<TensorSpec> outputs) {
        return outputs.stream().anyMatch(o -> o.rank() == 2 && o.dims()[1] == 2);
    }

    /** {@code keys} read, if given; else the bundled PaddleOCR keys when an output has their class count. */
    static List<String> ctcKeys(Path keys, List<TensorSpec> outputs) {
        if (keys != null) {
            return CtcGreedyDecoder.readKeys(keys);
        }
        try (InputStream in = ModelDefaults.class.getClassLoader().getResourceAsStream(BUNDLED_KEYS)) {
            if (in == null) {
                return List.of();
            }
            List<String> bundled = CtcGreedyDecoder.readKeys(in, BUNDLED_KEYS);
            boolean fits = outputs.stream().anyMatch(o -> o.rank() == 3 && o.dims()[2] == bundled.size() + 2L);
            return fits ? bundled : List.of();
        } catch (IOException e) {
            throw new Trt4jException(BUNDLED_KEYS + ": cannot read: " + e.getMessage(), e);
        }
    }
}
