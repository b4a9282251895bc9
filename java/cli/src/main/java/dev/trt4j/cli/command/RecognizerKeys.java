package dev.trt4j.cli.command;

import dev.trt4j.Trt4jException;
import dev.trt4j.evaluate.CtcGreedyDecoder;
import dev.trt4j.tensor.TensorSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/** The keys a recognizer's CTC output decodes with: the user's file, else PaddleOCR's bundled keys if they fit. */
final class RecognizerKeys {
    /** The keys of PaddleOCR's Chinese/English recognizers, inside the RapidOCR models jar. */
    static final String BUNDLED_KEYS = "models/ppocr_keys_v1.txt";

    private RecognizerKeys() {
    }

    /** {@code keys} read, if given; else the bundled PaddleOCR keys when an output has their class count. */
    static List<String> choose(Path keys, List<TensorSpec> outputs) {
        if (keys != null) {
            return CtcGreedyDecoder.readKeys(keys);
        }
        try (InputStream in = RecognizerKeys.class.getClassLoader().getResourceAsStream(BUNDLED_KEYS)) {
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
