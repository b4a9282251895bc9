package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import dev.trt4j.data.npy.NpyArray;
import dev.trt4j.data.npy.NpzFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * compare-calibrators and sensitivity check their sample options against both the calibration and the evaluation
 * data, opened as the study opens them: an option either reads is kept, and a model whose batch is fixed is fed whole
 * batches.
 */
class StudyDataOptionsTest {
    @TempDir
    Path dir;

    @Test
    void aModelWithAFixedBatchOfFourIsStudied() throws IOException {
        Path dynamic = TestModels.matMul(dir.resolve("mm.onnx"));
        Path fixed = dir.resolve("mm4.onnx");
        CliRun convert = CliRun.of("convert", dynamic.toString(), "--fix-shapes", "x:4x4", "--out", fixed.toString());
        assertThat(convert.exitCode()).as(convert.err()).isZero();

        CliRun compare = CliRun.of("compare-calibrators", fixed.toString(), "--samples", "8", "--eval-samples", "8",
                "--methods", "max", "--out", dir.resolve("compare").toString());

        assertThat(compare.exitCode()).as(compare.err()).isZero();
        assertThat(dir.resolve("compare").resolve("comparison.json")).exists();
    }

    @Test
    void aTokenizerOnlyTheEvaluationTextReadsIsKept() throws IOException {
        Path model = TestModels.tokenIds(dir.resolve("ids.onnx"));
        Path tokenizer = TestModels.wordLevelTokenizer(dir.resolve("tokenizer.json"));
        long[] ids = new long[8 * 4];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 2 + i % 5;
        }
        Path arrays = dir.resolve("ids.npz");
        NpzFile.write(arrays, Map.of("input_ids", NpyArray.ofLongs(new long[] {8, 4}, ids)), false);
        Path text = Files.writeString(dir.resolve("eval.txt"), "the cat sat\non the mat\nthe mat sat\ncat on mat\n");

        CliRun compare = CliRun.of("compare-calibrators", model.toString(), "--data", arrays.toString(), "--eval-data",
                text.toString(), "--tokenizer", tokenizer.toString(), "--seq-len", "4", "--samples", "8",
                "--eval-samples", "4", "--methods", "max", "--out", dir.resolve("mixed").toString());
        assertThat(compare.exitCode()).as(compare.err()).isZero();

        // read by neither: refused, naming both
        CliRun neither = CliRun.of("compare-calibrators", model.toString(), "--data", arrays.toString(),
                "--eval-data", arrays.toString(), "--seq-len", "4", "--samples", "8", "--eval-samples", "4",
                "--methods", "max", "--out", dir.resolve("neither").toString());
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.errLines()).singleElement().asString().startsWith("trt4j: --seq-len 4 does nothing for "
                + "this data (npz:").contains(", and the evaluation data ");
        assertThat(dir.resolve("neither")).doesNotExist();
    }

    @Test
    void anFp16ModelIsNamedByItsFile() throws IOException {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        Path fp16 = dir.resolve("mm.fp16.onnx");
        CliRun convert = CliRun.of("convert", model.toString(), "--fp16", "--out", fp16.toString());
        assertThat(convert.exitCode()).as(convert.err()).isZero();

        CliRun compare = CliRun.of("compare-calibrators", fp16.toString(), "--samples", "8", "--methods", "max",
                "--out", dir.resolve("fp16").toString());

        assertThat(compare.exitCode()).isEqualTo(1);
        assertThat(compare.errLines()).singleElement().asString().startsWith("trt4j: model 'mm.fp16.onnx' is FP16 (");
    }

    /** Found before the calibration pass: the evaluation would refuse the sample only after it. */
    @Test
    void aHeldOutSampleWhoseMaskKeepsNoTokenIsNamedBeforeThePass() throws IOException {
        Path model = TestModels.maskedTokenIds(dir.resolve("masked.onnx"));
        long[] ids = new long[8 * 4];
        long[] mask = new long[8 * 4];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 2 + i % 5;
            mask[i] = 1;
        }
        long[] pastTheTable = ids.clone();
        pastTheTable[30] = 99; // fails the calibration pass at its last sample: the mask must be named before that
        Path calibration = dir.resolve("cal.npz");
        NpzFile.write(calibration, Map.of("input_ids", NpyArray.ofLongs(new long[] {8, 4}, pastTheTable),
                "attention_mask", NpyArray.ofLongs(new long[] {8, 4}, mask)), false);
        long[] heldMask = mask.clone();
        java.util.Arrays.fill(heldMask, 4, 8, 0L); // sample 1 keeps no token
        Path held = dir.resolve("held.npz");
        NpzFile.write(held, Map.of("input_ids", NpyArray.ofLongs(new long[] {8, 4}, ids),
                "attention_mask", NpyArray.ofLongs(new long[] {8, 4}, heldMask)), false);

        for (String command : new String[] {"compare-calibrators", "sensitivity"}) {
            CliRun run = CliRun.of(command, model.toString(), "--data", calibration.toString(), "--eval-data",
                    held.toString(), "--samples", "8", "--eval-samples", "4", command.equals("sensitivity")
                            ? "--method" : "--methods", "max", "--out", dir.resolve(command).toString());

            assertThat(run.exitCode()).as(command).isEqualTo(1);
            assertThat(run.errLines()).as(command).singleElement().asString().contains(held.toString())
                    .endsWith(": input 'attention_mask' keeps no token of sample 1 (every value 0): the model would "
                            + "read nothing of it; a mask marks real tokens with 1");
            assertThat(dir.resolve(command)).doesNotExist();
        }
    }

    /**
     * A PP-OCR classifier fed images of unknown orientation is ranked by cosine, not accuracy: said as evaluate says
     * it; and the best method's table, which calibrate may not write (percentile 99.999), is named.
     */
    @Test
    void aStudyNamesWhyItRanksByCosineAndWhichTableToQuantizeWith() throws IOException {
        Path model = TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        float[] images = new float[12 * 3 * 48 * 192];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat() * 2 - 1;
        }
        Path data = dir.resolve("images.npy");
        dev.trt4j.data.npy.NpyFile.write(data, NpyArray.ofFloats(new long[] {12, 3, 48, 192}, images));

        CliRun run = CliRun.of("compare-calibrators", model.toString(), "--data", data.toString(), "--samples", "8",
                "--eval-samples", "4", "--methods", "max,percentile=99.999", "--out", dir.resolve("cmp").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Metric     none: the model takes text images, and its accuracy needs lines "
                + "whose orientation is known, which only rendered samples");
        java.util.regex.Matcher best = java.util.regex.Pattern.compile("Best: (\\S+); quantize with --table (\\S+)")
                .matcher(run.out());
        assertThat(best.find()).as(run.out()).isTrue();
        assertThat(best.group(1)).isIn("max", "percentile-99.999");
        assertThat(Path.of(best.group(2))).isEqualTo(dir.resolve("cmp/calibration/" + best.group(1) + ".table.json"))
                .isRegularFile();
        // rendered lines (no --data) carry their orientation: accuracy, and no such note
        CliRun rendered = CliRun.of("compare-calibrators", model.toString(), "--samples", "8", "--eval-samples", "8",
                "--methods", "max", "--out", dir.resolve("rendered").toString());
        assertThat(rendered.exitCode()).as(rendered.err()).isZero();
        assertThat(rendered.out()).contains("accuracy").doesNotContain("Metric     ");
    }

    /**
     * The parts of a study's sentence file are counted as calibrate counts a file it reads the first of: "[0, 8) (8
     * lines, ...)" read as a file of 8 lines. --eval-data names --eval-samples' 0 for all; a split of --data names no
     * option, since all of it would leave nothing to hold out.
     */
    @Test
    void aStudysSentencesSayHowManyTheFileHolds() throws IOException {
        Path model = TestModels.ppocrClassifier(dir.resolve("cls.onnx"));
        StringBuilder calibration = new StringBuilder();
        StringBuilder held = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            calibration.append("calibration sentence ").append(i).append('\n');
            held.append("held-out sentence ").append(i).append('\n');
        }
        Path data = java.nio.file.Files.writeString(dir.resolve("sent.txt"), calibration);
        Path eval = java.nio.file.Files.writeString(dir.resolve("held.txt"), held);

        CliRun split = CliRun.of("compare-calibrators", model.toString(), "--data", data.toString(), "--samples", "8",
                "--eval-samples", "8", "--batch", "8", "--methods", "max", "--out", dir.resolve("split").toString());
        assertThat(split.exitCode()).as(split.err()).isZero();
        assertThat(split.out()).contains(data + " [0, 8) (40 lines; the first 8 used; ")
                .contains(data + " [8, 16) (40 lines; 8 used, after the first 8; ").doesNotContain("0 for all");

        CliRun apart = CliRun.of("compare-calibrators", model.toString(), "--data", data.toString(), "--samples", "8",
                "--eval-data", eval.toString(), "--eval-samples", "8", "--batch", "8", "--methods", "max", "--out",
                dir.resolve("apart").toString());
        assertThat(apart.exitCode()).as(apart.err()).isZero();
        assertThat(apart.out()).contains(eval + " (40 lines; the first 8 used, --eval-samples 0 for all; ");
    }
}
