package dev.trt4j.bench;

import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.DataSourceFactory;
import dev.trt4j.onnx.OnnxModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A benchmark's model and its calibration samples, by the name a {@code model} parameter takes: {@code ppocr-cls}
 * (256 rendered text lines in batches of 32), {@code minilm} (64 sentences in batches of 8, at 128 tokens),
 * {@code minilm-cut} (the same sentences, cut after the longest of them, as calibrate feeds them),
 * {@code ppocr-cls-random}
 * (the classifier on 256 seeded random 48×192 images, for machines without the fonts that rendering needs) and
 * {@code ppocr-rec} (the PP-OCRv4 recognizer on 64 rendered lines of 48×320 in batches of 8) and {@code ppocr-det}
 * (the PP-OCRv4 detector on 16 seeded random 480×640 images in batches of 4).
 *
 * @param file    the model, extracted to a temporary file
 * @param onnx    the model loaded
 * @param batches the samples: eight batches, four for the detector
 */
record BenchModel(Path file, OnnxModel onnx, List<Batch> batches) {
    static BenchModel load(String model) throws IOException {
        boolean cut = model.equals("minilm-cut");
        boolean text = model.equals("minilm") || cut;
        boolean detector = model.equals("ppocr-det");
        boolean random = model.equals("ppocr-cls-random") || detector;
        boolean recognizer = model.equals("ppocr-rec");
        Path file = BenchResources.extract(switch (model) {
            case "minilm", "minilm-cut" -> "all-minilm-l6-v2.onnx";
            case "ppocr-cls", "ppocr-cls-random" -> "models/ch_ppocr_mobile_v2.0_cls_infer.onnx";
            case "ppocr-rec" -> "models/ch_PP-OCRv4_rec_infer.onnx";
            case "ppocr-det" -> "models/ch_PP-OCRv4_det_infer.onnx";
            default -> throw new IllegalArgumentException("unknown model " + model);
        }, ".onnx");
        OnnxModel onnx = OnnxModel.load(file);
        DataOptions.Builder options = DataOptions.builder();
        if (text) {
            // held at 128 tokens, as every figure recorded before calibration cut batches after their longest
            // sentence (about 32 tokens here): the same compute per exposed value as those figures
            options.batchSize(8).maxSamples(64).tokenizer(BenchResources.extract("all-minilm-l6-v2-tokenizer.json",
                    ".json"));
            for (String input : cut ? List.<String>of() : List.of("input_ids", "attention_mask", "token_type_ids")) {
                options.fixedShape(input, 8, 128);
            }
        } else if (recognizer) {
            options.batchSize(8).maxSamples(64).fixedShape("x", 8, 3, 48, 320);
        } else if (detector) {
            options.batchSize(4).maxSamples(16).fixedShape("x", 4, 3, 480, 640);
        } else if (random) {
            options.batchSize(32).maxSamples(256).fixedShape("x", 32, 3, 48, 192);
        } else {
            options.batchSize(32).maxSamples(256).rotateHalf(true);
        }
        List<Batch> batches = new ArrayList<>();
        try (CalibrationDataSource source = random ? DataSourceFactory.open(null, onnx.inputs(), options.build())
                : DataSourceFactory.openBundledSentences(onnx.inputs(), options.build())) {
            for (Optional<Batch> b = source.next(); b.isPresent(); b = source.next()) {
                batches.add(b.get());
            }
        }
        return new BenchModel(file, onnx, List.copyOf(batches));
    }
}
