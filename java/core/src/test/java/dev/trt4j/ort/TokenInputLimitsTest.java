package dev.trt4j.ort;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.onnx.PositionGraphs;
import dev.trt4j.runtime.InferenceOptions;
import dev.trt4j.runtime.InferenceSession;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenInputLimitsTest {
    private static final int ROWS = 8;
    /** int64 [batch, sequence]. */
    private static final TypeProto TOKEN_IDS = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(DataType.INT64_VALUE).setShape(TensorShapeProto.newBuilder()
                    .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                    .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("sequence")))).build();
    private static final TypeProto FLOATS = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(DataType.FLOAT_VALUE)).build();

    @TempDir
    Path dir;

    /**
     * A BERT-like embedding: token vectors plus position vectors, the positions sliced from ids [1, 8] to the
     * sequence's length. Longer sequences get only 8 positions, and the Add fails to broadcast, as on MiniLM.
     */
    private Path embedding() throws IOException {
        GraphProto g = PositionGraphs.bertEmbedding(ROWS).setName("embedding")
                .addInput(ValueInfoProto.newBuilder().setName("input_ids").setType(TOKEN_IDS))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(FLOATS)).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).build();
        return Files.write(dir.resolve("embedding.onnx"), m.toByteArray());
    }

    private static HostTensor tokens(int length) {
        return HostTensor.ofLongs(new long[] {1, length}, new long[length]);
    }

    @Test
    void aSequenceLongerThanThePositionTableIsNamedInsteadOfTheBroadcastError() throws IOException {
        try (InferenceSession session = InferenceSession.open(embedding(), InferenceOptions.defaults())) {
            assertThat(session.run(Map.of("input_ids", tokens(ROWS))).get("y").shape())
                    .containsExactly(1, ROWS, 4);

            assertThatThrownBy(() -> session.run(Map.of("input_ids", tokens(ROWS + 4))))
                    .isInstanceOf(Trt4jException.class)
                    .hasMessageEndingWith("embedding.onnx: input 'input_ids' holds 12 tokens a row, but the model's "
                            + "position table has 8 rows (node 'positions'); truncate or split the text to 8 tokens "
                            + "or fewer")
                    .hasRootCauseInstanceOf(ai.onnxruntime.OrtException.class);
            // The session is still usable.
            assertThat(session.run(Map.of("input_ids", tokens(3))).get("y").shape()).containsExactly(1, 3, 4);
        }
    }

    @Test
    void theTokenInputNamedIsTheFirstInTheModelsOrderNotTheCallersMap() throws IOException {
        TokenInputLimits limit = new TokenInputLimits(embedding());
        Map<String, HostTensor> data = new java.util.LinkedHashMap<>();
        data.put("attention_mask", tokens(ROWS + 1));
        data.put("input_ids", tokens(ROWS + 1));

        assertThat(limit.explain("m.onnx", java.util.List.of("input_ids", "attention_mask"), data)).get()
                .asString().startsWith("m.onnx: input 'input_ids' holds 9 tokens a row");
        assertThat(limit.explain("m.onnx", java.util.List.of("input_ids", "attention_mask"),
                Map.of("input_ids", tokens(ROWS)))).isEmpty();
    }

    /** Ids past the word table's 10 rows: a tokenizer made for another model, named as such. */
    @Test
    void aTokenIdPastTheWordTableIsNamedInsteadOfTheIndexError() throws IOException {
        try (InferenceSession session = InferenceSession.open(embedding(), InferenceOptions.defaults())) {
            HostTensor outOfVocabulary = HostTensor.ofLongs(new long[] {2, 2}, new long[] {3, 4, 5, 99});
            assertThatThrownBy(() -> session.run(Map.of("input_ids", outOfVocabulary)))
                    .isInstanceOf(Trt4jException.class)
                    .hasMessageEndingWith("embedding.onnx: input 'input_ids' holds token id 99 (row 1, position 1), "
                            + "but the model's word table has 10 rows (node 'words'): token ids must be below 10; a "
                            + "tokenizer made for another model, with a larger vocabulary, gives such ids")
                    .hasRootCauseInstanceOf(ai.onnxruntime.OrtException.class);
        }
        TokenInputLimits limits = new TokenInputLimits(embedding());
        assertThat(limits.explain("m.onnx", java.util.List.of("input_ids"),
                Map.of("input_ids", HostTensor.ofInts(new long[] {1, 2}, new int[] {9, 0})))).isEmpty();
    }

    /** BERT's token types are looked up in a table of 2 rows: a type id of 5 is named as a word id past the table is. */
    @Test
    void aTokenTypePastItsTableIsNamedInsteadOfTheIndexError() throws IOException {
        // the token-type lookup first in graph order: the word table is still the one input_ids reads
        GraphProto.Builder g = GraphProto.newBuilder().setName("types")
                .addInitializer(PositionGraphs.floatTable("tte", 2))
                .addNode(PositionGraphs.node("Gather", "token_types", "tte", "token_type_ids", "t"));
        GraphProto.Builder embedding = PositionGraphs.bertEmbedding(ROWS);
        g.addAllInitializer(embedding.getInitializerList()).addAllNode(embedding.getNodeList())
                .addNode(PositionGraphs.node("Add", "add_types", "y", "t", "z"))
                .addInput(ValueInfoProto.newBuilder().setName("input_ids").setType(TOKEN_IDS))
                .addInput(ValueInfoProto.newBuilder().setName("token_type_ids").setType(TOKEN_IDS))
                .addOutput(ValueInfoProto.newBuilder().setName("z").setType(FLOATS));
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).build();
        Path model = Files.write(dir.resolve("types.onnx"), m.toByteArray());

        try (InferenceSession session = InferenceSession.open(model, InferenceOptions.defaults())) {
            HostTensor words = HostTensor.ofLongs(new long[] {1, 3}, new long[] {3, 4, 5});
            HostTensor types = HostTensor.ofLongs(new long[] {1, 3}, new long[] {0, 5, 0});
            assertThatThrownBy(() -> session.run(Map.of("input_ids", words, "token_type_ids", types)))
                    .isInstanceOf(dev.trt4j.InvalidInputException.class)
                    .hasMessageEndingWith("types.onnx: input 'token_type_ids' holds 5 (row 0, position 1), but the "
                            + "model's table for it has 2 rows (node 'token_types'): its values must be below 2");
            HostTensor outOfVocabulary = HostTensor.ofLongs(new long[] {1, 3}, new long[] {3, 40, 5});
            assertThatThrownBy(() -> session.run(Map.of("input_ids", outOfVocabulary, "token_type_ids", types)))
                    .hasMessageContaining("input 'input_ids' holds token id 40 (row 0, position 1), but the model's "
                            + "word table has 10 rows");
        }
    }

    /**
     * A negative id is refused before the run: ONNX Runtime's Gather reads -1 as the table's last row and answers
     * without an error, and only ids below -rows failed there.
     */
    @Test
    void aNegativeTokenIdIsRefusedBeforeTheRun() throws IOException {
        try (InferenceSession session = InferenceSession.open(embedding(), InferenceOptions.defaults())) {
            for (long id : new long[] {-1, -100, -11}) {
                HostTensor ids = HostTensor.ofLongs(new long[] {2, 2}, new long[] {3, 4, id, 5});
                assertThatThrownBy(() -> session.run(Map.of("input_ids", ids)))
                        .isInstanceOf(Trt4jException.class)
                        .hasMessageEndingWith("embedding.onnx: input 'input_ids' holds " + id + " (row 1, position 0); "
                                + "ids are never negative: the model would count it back from the end of its table "
                                + "(-1 the last row) and answer without an error (padding takes the tokenizer's pad "
                                + "id, usually 0)")
                        .hasNoCause();
            }
            HostTensor none = HostTensor.ofLongs(new long[] {2, 0}, new long[0]);
            assertThatThrownBy(() -> session.run(Map.of("input_ids", none)))
                    .hasMessageEndingWith("embedding.onnx: input 'input_ids' holds no tokens (shape [2,0]); give at "
                            + "least one token a row");
            HostTensor fine = HostTensor.ofLongs(new long[] {2, 2}, new long[] {3, 4, 9, 0});
            assertThat(session.run(Map.of("input_ids", fine))).isNotEmpty();
        }
        // the runner behind calibrate, evaluate and bench: ids from an .npy or .npz are the user's too
        try (OrtModelRunner runner = OrtModelRunner.open(embedding(), OrtRunnerOptions.defaults())) {
            HostTensor padded = HostTensor.ofInts(new long[] {1, 3}, new int[] {3, 4, -100});
            assertThatThrownBy(() -> runner.run(new dev.trt4j.data.Batch(1, Map.of("input_ids", padded))))
                    .isInstanceOf(Trt4jException.class)
                    .hasMessageEndingWith("embedding.onnx: input 'input_ids' holds -100 (row 0, position 2); ids are never "
                            + "negative: the model would count it back from the end of its table (-1 the last row) and "
                            + "answer without an error (padding takes the tokenizer's pad id, usually 0)");
        }
    }

    @Test
    void otherFailuresKeepOnnxRuntimesMessage() throws IOException {
        // A model with no token tables: nothing about the tokens to explain.
        TokenInputLimits limits = new TokenInputLimits(Files.write(dir.resolve("plain.onnx"), ModelProto.newBuilder()
                .setIrVersion(8).setGraph(GraphProto.newBuilder().setName("plain")).build().toByteArray()));
        assertThat(limits.explain("plain.onnx", java.util.List.of("input_ids"),
                Map.of("input_ids", HostTensor.ofLongs(new long[] {1, 2}, new long[] {3, 99})))).isEmpty();
    }

    /** The calibration pass and the evaluator run through {@link OrtModelRunner}, a derived model's bytes included. */
    @Test
    void theRunnerOfAModelOrOfOneDerivedFromItNamesTheSequenceToo() throws IOException {
        Path model = embedding();
        dev.trt4j.data.Batch tooLong = new dev.trt4j.data.Batch(1, Map.of("input_ids", tokens(ROWS + 4)));
        String expected = "embedding.onnx: input 'input_ids' holds 12 tokens a row, but the model's position table "
                + "has 8 rows (node 'positions'); truncate or split the text to 8 tokens or fewer";
        try (OrtModelRunner runner = OrtModelRunner.open(model, OrtRunnerOptions.defaults())) {
            assertThatThrownBy(() -> runner.run(tooLong)).isInstanceOf(Trt4jException.class)
                    .hasMessageEndingWith(expected);
        }
        try (OrtModelRunner derived = OrtModelRunner.open(Files.readAllBytes(model), model,
                OrtRunnerOptions.defaults())) {
            assertThatThrownBy(() -> derived.runInPlace(tooLong, java.util.List.of("y"), (n, shape, values) -> { }))
                    .isInstanceOf(Trt4jException.class).hasMessageEndingWith(expected);
        }
    }
}
