package dev.trt4j.cli.command;

import dev.trt4j.Trt4jException;
import dev.trt4j.evaluate.CtcGreedyDecoder;
import dev.trt4j.io.ReadFailure;
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

    /**
     * {@code keys} read, if given; else the bundled PaddleOCR keys when an output has their class count.
     *
     * @throws Trt4jException if the given keys fit no output [N, steps, classes] of the model (classes = blank + keys
     *                        + space), since the text metric would then be left out without a word
     */
    static List<String> choose(Path keys, List<TensorSpec> outputs) {
        if (keys != null) {
            List<String> given = CtcGreedyDecoder.readKeys(keys);
            boolean fits = outputs.stream().anyMatch(o -> o.rank() == 3
                    && (o.dims()[2] < 0 || o.dims()[2] == given.size() + 2L));
            if (!fits) {
                throw new Trt4jException("--keys " + keys + ": " + given.size() + " keys make " + (given.size() + 2)
                        + " classes (blank + keys + space), but no output of the model is [N,steps,"
                        + (given.size() + 2) + "]; its outputs are " + outputs.stream().map(o -> o.name() + " "
                        + o.shapeText()).toList());
            }
            return given;
        }
        try (InputStream in = RecognizerKeys.class.getClassLoader().getResourceAsStream(BUNDLED_KEYS)) {
            if (in == null) {
                return List.of();
            }
            List<String> bundled = CtcGreedyDecoder.readKeys(in, BUNDLED_KEYS);
            boolean fits = outputs.stream().anyMatch(o -> o.rank() == 3 && o.dims()[2] == bundled.size() + 2L);
            return fits ? bundled : List.of();
        } catch (IOException e) {
            throw new Trt4jException(BUNDLED_KEYS + ": cannot read: " + ReadFailure.reason(e), e);
        }
    }
}
