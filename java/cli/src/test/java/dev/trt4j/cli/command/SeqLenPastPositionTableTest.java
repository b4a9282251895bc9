package dev.trt4j.cli.command;

import dev.trt4j.cli.CliRun;
import dev.trt4j.cli.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command that takes {@code --seq-len} refuses one longer than the model's position table, in the same words,
 * as a command-line error (exit 2) before any work; a model without a table is not limited by it.
 */
class SeqLenPastPositionTableTest {
    private static final String LINE = "trt4j: --seq-len 9: text.onnx's position table has 8 rows (node 'position'); "
            + "use --seq-len 8 or less";

    @TempDir
    Path dir;

    @Test
    void eachCommandRefusesASequenceLongerThanTheTable() throws IOException {
        Path model = TestModels.positionTable(dir.resolve("text.onnx"), 8);
        Path text = Files.writeString(dir.resolve("s.txt"), "the cat\n");
        String m = model.toString();
        List<List<String>> commands = List.of(
                List.of("calibrate", m, "--out", dir.resolve("cal").toString()),
                List.of("compare-calibrators", m, "--out", dir.resolve("cmp").toString()),
                List.of("sensitivity", m, "--out", dir.resolve("sens").toString()),
                List.of("evaluate", "--reference", m, "--candidate", m),
                List.of("equalize", m, "--data", text.toString(), "--out", dir.resolve("eq.onnx").toString()),
                List.of("convert", m, "--fp16", "--data", text.toString(), "--out",
                        dir.resolve("fp16.onnx").toString()),
                List.of("quantize", m, "--table", dir.resolve("t.json").toString(), "--bias-correction", "--data",
                        text.toString(), "--out", dir.resolve("q.onnx").toString()),
                // an implicit INT8 build, which reads the samples (an FP16 one refuses --data first)
                List.of("build", m, "--precision", "int8", "--data", text.toString(), "--out",
                        dir.resolve("e.engine").toString()));

        for (List<String> command : commands) {
            List<String> args = new java.util.ArrayList<>(command);
            args.addAll(List.of("--seq-len", "9"));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.errLines()).as(command.get(0)).containsExactly(LINE);
            assertThat(run.exitCode()).as(command.get(0)).isEqualTo(2);
            assertThat(run.out()).as(command.get(0)).isEmpty();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("text.onnx", "s.txt");
        }
    }

    @Test
    void tokenShapesLongerThanTheTableAreRefusedAsSeqLenIs() throws IOException {
        Path model = TestModels.positionTable(dir.resolve("text.onnx"), 8);
        String m = model.toString();
        for (List<String> command : List.of(
                List.of("calibrate", m, "--out", dir.resolve("cal").toString()),
                List.of("evaluate", "--reference", m, "--candidate", m),
                List.of("build", m, "--precision", "fp16", "--out", dir.resolve("e.engine").toString()))) {
            List<String> args = new java.util.ArrayList<>(command);
            args.addAll(List.of("--shapes", "input_ids:1x9"));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.errLines()).as(command.get(0)).containsExactly("trt4j: --shapes input_ids:1x9: text.onnx's "
                    + "position table has 8 rows (node 'position'); use a sequence length of 8 or less");
            assertThat(run.exitCode()).as(command.get(0)).isEqualTo(2);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("text.onnx");
        }
    }

    @Test
    void tokenArraysLongerThanTheTableAreRefusedBeforeAnyWork() throws IOException {
        Path model = TestModels.positionTable(dir.resolve("text.onnx"), 8);
        String m = model.toString();
        dev.trt4j.data.npy.NpyArray ids = dev.trt4j.data.npy.NpyArray.ofLongs(new long[] {2, 9}, new long[18]);
        Path npz = dir.resolve("ids.npz");
        dev.trt4j.data.npy.NpzFile.write(npz, java.util.Map.of("input_ids", ids), false);
        Path npy = dir.resolve("ids.npy");
        dev.trt4j.data.npy.NpyFile.write(npy, ids);
        for (Path data : List.of(npz, npy)) {
            for (List<String> command : List.of(
                    List.of("calibrate", m, "--out", dir.resolve("cal").toString()),
                    List.of("evaluate", "--reference", m, "--candidate", m))) {
                List<String> args = new java.util.ArrayList<>(command);
                args.addAll(List.of("--data", data.toString()));
                CliRun run = CliRun.of(args.toArray(String[]::new));
                assertThat(run.errLines()).as(command.get(0)).containsExactly("trt4j: --data " + data
                        + " (input_ids 2x9): text.onnx's position table has 8 rows (node 'position'); use a sequence "
                        + "length of 8 or less");
                assertThat(run.exitCode()).as(command.get(0)).isEqualTo(1);
            }
        }
        assertThat(dir.resolve("cal")).doesNotExist();
    }

    @Test
    void benchRefusesTokenShapesLongerThanTheTable() throws IOException {
        Path model = TestModels.positionTable(dir.resolve("text.onnx"), 8);
        CliRun run = CliRun.of("bench", model.toString(), "--shapes", "input_ids:1x9");
        assertThat(run.errLines()).containsExactly("trt4j: --shapes input_ids:1x9: text.onnx's position table has 8 "
                + "rows (node 'position'); use a sequence length of 8 or less");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();

        // the full table runs
        CliRun full = CliRun.of("bench", model.toString(), "--shapes", "input_ids:1x8", "--warmup", "10",
                "--warmup-iterations", "1", "--duration", "0.05", "--iterations", "3", "--threads", "1");
        assertThat(full.exitCode()).as(full.err()).isZero();
    }

    @Test
    void aModelWithoutATableIsNotLimited() throws IOException {
        // the tokenizer is then what is missing, not the sequence length
        Path model = TestModels.tokenIds(dir.resolve("text.onnx"));
        CliRun run = CliRun.of("calibrate", model.toString(), "--seq-len", "9", "--out", dir.resolve("cal").toString());
        assertThat(run.err()).doesNotContain("position table");
    }

    @Test
    void allOfAVisionTowersPositionsAreNoLimitOnTheText() throws IOException {
        // CLIP: the vision tower gathers all 4 of its patch positions (ids not sliced to any sequence) before the
        // text tower, whose table has 8 rows; a 6-token sequence fits
        Path text = TestModels.positionTable(dir.resolve("text.onnx"), 8);
        ai.onnx.proto.OnnxMl.ModelProto m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(text));
        ai.onnx.proto.OnnxMl.TensorProto.Builder patches = ai.onnx.proto.OnnxMl.TensorProto.newBuilder()
                .setName("patches").setDataType(1).addDims(4).addDims(4);
        ai.onnx.proto.OnnxMl.TensorProto.Builder ids = ai.onnx.proto.OnnxMl.TensorProto.newBuilder()
                .setName("patch_ids").setDataType(7).addDims(1).addDims(4);
        for (int i = 0; i < 4; i++) {
            ids.addInt64Data(i);
            for (int j = 0; j < 4; j++) {
                patches.addFloatData(0.1f * i);
            }
        }
        ai.onnx.proto.OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder().addInitializer(patches)
                .addInitializer(ids).addOutput(m.getGraph().getOutput(0).toBuilder().setName("v"));
        g.addNode(0, ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Gather").setName("vision_positions")
                .addInput("patches").addInput("patch_ids").addOutput("v"));
        Path clip = Files.write(dir.resolve("clip.onnx"), m.toBuilder().setGraph(g).build().toByteArray());

        CliRun bench = CliRun.of("bench", clip.toString(), "--shapes", "input_ids:1x6", "--warmup", "10",
                "--warmup-iterations", "1", "--duration", "0.05", "--iterations", "3", "--threads", "1");
        assertThat(bench.exitCode()).as(bench.err()).isZero();
        CliRun calibrate = CliRun.of("calibrate", clip.toString(), "--seq-len", "6", "--out",
                dir.resolve("cal").toString());
        assertThat(calibrate.err()).doesNotContain("position table");
        // the text table still limits it
        CliRun past = CliRun.of("calibrate", clip.toString(), "--seq-len", "9", "--out", dir.resolve("cal").toString());
        assertThat(past.errLines()).containsExactly("trt4j: --seq-len 9: clip.onnx's position table has 8 rows (node "
                + "'position'); use --seq-len 8 or less");
    }
}
