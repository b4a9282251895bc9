package dev.trt4j.data.text;

import dev.trt4j.data.DataOptions;
import dev.trt4j.evaluate.EvaluationOptions;
import dev.trt4j.evaluate.EvaluationResult;
import dev.trt4j.evaluate.Evaluator;
import dev.trt4j.evaluate.TaskResult;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end check of page rendering, detector preprocessing, box extraction and matching: the real FP32 PP-OCRv4
 * detector must find the rendered lines where the layout put them, which fails if any of those were wrong.
 */
class PpOcrDetectorOnRenderedPagesTest {
    @Test
    void detectorFindsTheRenderedLinesAndTheMetricIsDetectedForIt(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("det.onnx");
        try (InputStream in = getClass().getResourceAsStream("/models/ch_PP-OCRv4_det_infer.onnx")) {
            Files.copy(in, model);
        }
        TensorSpec x = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, -1, -1}, null);
        List<String> pages = RenderedTextPageSource.pages(RenderedTextLineSource.splitLongLines(
                BundledSentences.load().subList(0, 40), RenderedTextLineSource.DEFAULT_MAX_LINE_CHARS));
        RenderedTextPageSource source = new RenderedTextPageSource(pages, "bundled", List.of(x),
                DataOptions.builder().batchSize(4).maxSamples(8).fixedShapes("x:4x3x320x480").build());

        EvaluationResult r = Evaluator.evaluate(model, model, source, Optional.empty(), EvaluationOptions.defaults());

        TaskResult task = r.taskResult().orElseThrow();
        assertThat(task.task()).isEqualTo("detection");
        assertThat(task.samples()).isEqualTo(8);
        assertThat(task.reference().get("recall")).as("of 48 lines").isGreaterThanOrEqualTo(0.9);
        assertThat(task.reference().get("precision")).isGreaterThanOrEqualTo(0.9);
        assertThat(task.reference().get("boxIou")).isGreaterThanOrEqualTo(0.7);
        assertThat(task.candidate()).containsEntry("maskIou", 1.0);
    }
}
