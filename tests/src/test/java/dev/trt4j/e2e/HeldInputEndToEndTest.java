package dev.trt4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * all-MiniLM-L6-v2 with {@code token_type_ids} held at 0 inside the graph ({@code convert --fix-input}), the usual
 * way to serve BERT-like models with one segment: the input's shape comes from the one {@code --fix-shapes} gives
 * {@code input_ids} through their shared dimension names, and {@code evaluate} feeds the converted model the
 * reference's other inputs at the sequence length it fixed.
 */
class HeldInputEndToEndTest {
    @TempDir
    static Path work;

    static Path model;
    static Path tokenizer;

    @BeforeAll
    static void copyModel() {
        model = RealModels.copy(RealModels.MINILM, work);
        tokenizer = RealModels.copy(RealModels.MINILM_TOKENIZER, work);
    }

    @Test
    void aHeldTokenTypeInputTakesItsShapeFromInputIdsAndTheModelStillMatchesTheReference() throws Exception {
        Path held = work.resolve("minilm.held.onnx");
        CliRun convert = CliRun.of("convert", model.toString(), "--fix-input", "token_type_ids=0", "--fix-shapes",
                "input_ids:1x16", "--out", held.toString());
        assertThat(convert.exitCode()).as(convert.err()).isZero();
        // the summary names the input that took its shape through the shared names, not only the one given
        assertThat(convert.out()).contains("input_ids to 1x16, attention_mask to 1x16");

        CliRun evaluate = CliRun.of("evaluate", "--reference", model.toString(), "--candidate", held.toString(),
                "--tokenizer", tokenizer.toString(), "--samples", "4", "--json");
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(evaluate.out());
        assertThat(result.get("data").asText()).endsWith("(4 sentences, 16 tokens)");
        // the reference is fed token_type_ids 0 too: the same graph, the same numbers
        assertThat(result.get("outputs").get(0).get("maxAbsoluteError").asDouble()).isZero();
        assertThat(result.get("task").get("candidate").get("meanCosine").asDouble()).isEqualTo(1.0);
    }

    /** The shape is checked as typed before the held input's shape is derived from it. */
    @Test
    void aBadShapeIsNamedAsTypedNotAsTheHeldInputsShape() {
        CliRun rank = CliRun.of("convert", model.toString(), "--fix-input", "token_type_ids=0", "--fix-shapes",
                "input_ids:1", "--out", work.resolve("bad.onnx").toString());
        assertThat(rank.exitCode()).isEqualTo(2);
        assertThat(rank.err().strip()).isEqualTo("trt4j: all-minilm-l6-v2.onnx: --fix-shapes: input 'input_ids' has "
                + "rank 2, got 1 dimensions");
        CliRun zero = CliRun.of("convert", model.toString(), "--fix-input", "token_type_ids=0", "--fix-shapes",
                "input_ids:1x0", "--out", work.resolve("bad.onnx").toString());
        assertThat(zero.err().strip()).isEqualTo("trt4j: all-minilm-l6-v2.onnx: --fix-shapes: dimension 1 of input "
                + "'input_ids' is 0; a fixed shape needs every dimension at least 1");
        assertThat(work.resolve("bad.onnx")).doesNotExist();
    }
}
