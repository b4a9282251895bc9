package dev.trt4j.e2e;

import dev.trt4j.data.Batch;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.text.TextSource;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MiniLM's batches are cut after their longest sentence: the padding they lose is masked, so the real tokens'
 * outputs must stay those of the batches padded to the full length.
 */
class TextPaddingEndToEndTest {
    @TempDir
    static Path work;

    @Test
    void cuttingMaskedPaddingKeepsTheRealTokensOutputs() {
        Path model = RealModels.copy(RealModels.MINILM, work);
        Path tokenizer = RealModels.copy(RealModels.MINILM_TOKENIZER, work);
        Path sentences = RealModels.sentences(work, 8);
        DataOptions options = DataOptions.builder().tokenizer(tokenizer).batchSize(8).build();
        try (OrtModelRunner runner = OrtModelRunner.open(model, OrtRunnerOptions.defaults());
             TextSource cut = new TextSource(sentences, runner.inputs(), options);
             TextSource full = new TextSource(sentences, runner.inputs(), options.toBuilder()
                     .fixedShapes("input_ids:8x128,attention_mask:8x128,token_type_ids:8x128").build())) {
            assertThat(cut.trimsPadding()).isTrue();
            Batch shortBatch = cut.next().orElseThrow();
            Batch longBatch = full.next().orElseThrow();
            int length = (int) shortBatch.inputs().get("input_ids").shape()[1];
            assertThat(length).as("the bundled sentences are far shorter than 128 tokens").isLessThan(64);
            HostTensor a = runner.run(shortBatch).get("last_hidden_state");
            HostTensor b = runner.run(longBatch).get("last_hidden_state");
            long[] mask = shortBatch.inputs().get("attention_mask").longs();
            int hidden = (int) a.shape()[2];
            float[] x = a.floats();
            float[] y = b.floats();
            int compared = 0;
            for (int s = 0; s < 8; s++) {
                for (int t = 0; t < length; t++) {
                    if (mask[s * length + t] == 0) {
                        continue;
                    }
                    for (int h = 0; h < hidden; h++) {
                        float u = x[(s * length + t) * hidden + h];
                        float v = y[(s * 128 + t) * hidden + h];
                        assertThat(u).as("sentence %d token %d feature %d", s, t, h)
                                .isCloseTo(v, org.assertj.core.data.Offset.offset(1e-4f + 1e-4f * Math.abs(v)));
                        compared++;
                    }
                }
            }
            assertThat(compared).isGreaterThan(8 * hidden);
        }
    }

    /**
     * One length for every batch: sentences of different lengths give the same ranges in batches of 1 as of 8 (each
     * batch cut after its own longest sentence, a short sentence kept 8 tokens alone and 64 beside a long one, and
     * max ranges moved by half).
     */
    @Test
    void rangesDoNotDependOnWhichSentencesShareABatch() throws IOException {
        Files.createDirectories(work.resolve("b"));
        Files.createDirectories(work.resolve("c"));
        Path model = RealModels.copy(RealModels.MINILM, work.resolve("b"));
        Path tokenizer = RealModels.copy(RealModels.MINILM_TOKENIZER, work.resolve("b"));
        List<String> lines = new ArrayList<>(Files.readAllLines(RealModels.sentences(work.resolve("b"), 15)));
        lines.add(3, String.join(" ", Files.readAllLines(RealModels.sentences(work.resolve("c"), 4))));
        Path sentences = Files.write(work.resolve("b").resolve("mixed.txt"), lines);
        Map<String, Float> ranges = null;
        for (String batch : List.of("1", "8")) {
            Path out = work.resolve("b").resolve("cal" + batch);
            CliRun run = CliRun.of("calibrate", model.toString(), "--data", sentences.toString(), "--tokenizer",
                    tokenizer.toString(), "--method", "max", "--batch", batch, "--out", out.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            Map<String, Float> these = CalibrationTable.read(out.resolve("max.table.json")).amaxByTensor();
            if (ranges == null) {
                ranges = these;
                continue;
            }
            assertThat(these.keySet()).isEqualTo(ranges.keySet());
            for (Map.Entry<String, Float> e : these.entrySet()) {
                float before = ranges.get(e.getKey());
                assertThat(e.getValue()).as(e.getKey())
                        .isCloseTo(before, org.assertj.core.data.Offset.offset(1e-4f * Math.abs(before) + 1e-6f));
            }
        }
    }
}
