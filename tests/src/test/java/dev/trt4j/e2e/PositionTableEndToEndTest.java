package dev.trt4j.e2e;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.onnx.PositionTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * all-MiniLM-L6-v2's position table (512 rows) found by the graph's structure, and a longer {@code --seq-len}
 * refused as a command-line error before any work, instead of ONNX Runtime's broadcast error deep in the graph.
 */
class PositionTableEndToEndTest {
    private static final String LINE = "trt4j: --seq-len 600: all-minilm-l6-v2.onnx's position table has 512 rows "
            + "(node '/embeddings/position_embeddings/Gather'); use --seq-len 512 or less";

    @TempDir
    static Path work;

    static Path model;
    static Path tokenizer;
    static Path sentences;

    @BeforeAll
    static void copyModel() {
        model = RealModels.copy(RealModels.MINILM, work);
        tokenizer = RealModels.copy(RealModels.MINILM_TOKENIZER, work);
        sentences = RealModels.sentences(work, 8);
    }

    @Test
    void miniLmHasA512RowPositionTable() throws Exception {
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
        assertThat(PositionTable.find(proto.getGraph())).contains(new PositionTable(
                "/embeddings/position_embeddings/Gather", "embeddings.position_embeddings.weight", 512));
    }

    /** ONNX Runtime's dynamic INT8 export keeps the table as uint8 ahead of a DequantizeLinear: still the limit. */
    @Test
    void theShippedDynamicInt8MiniLmHasItsTableToo() throws Exception {
        Path quantized = RealModels.copy(RealModels.MINILM_DYNAMIC_INT8, work);
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(quantized));
        assertThat(PositionTable.find(proto.getGraph())).contains(new PositionTable(
                "/embeddings/position_embeddings/Gather", "embeddings.position_embeddings.weight_quantized", 512));
    }

    @Test
    void seqLenPastTheTableIsAUsageError() {
        Path out = work.resolve("calibration");
        CliRun run = CliRun.of("calibrate", model.toString(), "--data", sentences.toString(), "--tokenizer",
                tokenizer.toString(), "--seq-len", "600", "--samples", "8", "--method", "max", "--out",
                out.toString());
        assertThat(run.err().strip()).isEqualTo(LINE);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(out).doesNotExist();

        CliRun evaluate = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", model.toString(),
                "--tokenizer", tokenizer.toString(), "--seq-len", "600", "--samples", "8");
        assertThat(evaluate.err().strip()).isEqualTo(LINE);
        assertThat(evaluate.exitCode()).isEqualTo(2);
    }
}
