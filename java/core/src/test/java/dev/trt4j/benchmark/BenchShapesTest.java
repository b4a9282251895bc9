package dev.trt4j.benchmark;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchShapesTest {
    private static final TensorSpec IMAGE = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, -1, -1}, null);
    private static final TensorSpec FIXED = new TensorSpec("x", ElementType.FLOAT32, new long[] {1, 3, 48, 192}, null);
    private static final TensorSpec TOKENS = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, 128}, null);

    @Test
    void batchReplacesTheFirstDimensionOfShapesAndOpenBatches() {
        Map<String, long[]> shapes = BenchShapes.resolve("m", List.of(IMAGE, TOKENS), 8,
                Map.of("x", new long[] {1, 3, 48, 192}));
        assertThat(shapes.get("x")).containsExactly(8, 3, 48, 192);
        assertThat(shapes.get("input_ids")).containsExactly(8, 128);
        assertThat(BenchShapes.text(shapes)).isEqualTo("x:8x3x48x192,input_ids:8x128");
    }

    @Test
    void withoutABatchShapesAreTakenAsGivenAndOpenBatchesAreOne() {
        assertThat(BenchShapes.resolve("m", List.of(IMAGE), 0, Map.of("x", new long[] {4, 3, 48, 320})).get("x"))
                .containsExactly(4, 3, 48, 320);
        assertThat(BenchShapes.resolve("m", List.of(TOKENS), 0, Map.of()).get("input_ids")).containsExactly(1, 128);
        assertThat(BenchShapes.resolve("m", List.of(FIXED), 1, Map.of()).get("x")).containsExactly(1, 3, 48, 192);
    }

    /** BERT's three inputs are [batch_size, sequence_length]: one shape sets the others; disagreeing ones are named. */
    @Test
    void inputsSharingASymbolicDimensionShareItsSize() {
        List<String> names = List.of("batch_size", "sequence_length");
        TensorSpec ids = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, names);
        TensorSpec types = new TensorSpec("token_type_ids", ElementType.INT64, new long[] {-1, -1}, names);

        Map<String, long[]> one = BenchShapes.resolve("m", List.of(ids, types), 0,
                Map.of("input_ids", new long[] {2, 16}));

        assertThat(one.get("token_type_ids")).containsExactly(2, 16);
        assertThatThrownBy(() -> BenchShapes.resolve("m", List.of(ids, types), 0, Map.of("input_ids",
                new long[] {1, 16}, "token_type_ids", new long[] {1, 17}))).isInstanceOf(InvalidOptionException.class)
                .hasMessage("m: inputs 'input_ids' and 'token_type_ids' share dimension 'sequence_length', but their "
                        + "shapes give it 16 and 17; give both the same size");
        assertThatThrownBy(() -> BenchShapes.resolve("m", List.of(ids, types), 0, Map.of("input_ids",
                new long[] {2, 16}, "token_type_ids", new long[] {1, 16})))
                .hasMessageContaining("share dimension 'batch_size', but their shapes give it 2 and 1");
        assertThatThrownBy(() -> BenchShapes.resolve("cls.onnx", List.of(IMAGE), 1, Map.of("x",
                new long[] {1, 3, 48, 0}))).isInstanceOf(InvalidOptionException.class)
                .hasMessage("cls.onnx: --shapes x:1x3x48x0: dimension 3 is 0, an empty tensor; there is nothing to "
                        + "time");
    }

    @Test
    void everyMistakeIsOneLineNamingTheInput() {
        assertThatThrownBy(() -> BenchShapes.resolve("cls.onnx", List.of(IMAGE), 1, Map.of()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("cls.onnx: input 'x' [?,3,?,?] has open dimension 2; give its shape with --shapes x:1x3xNxN");
        assertThatThrownBy(() -> BenchShapes.resolve("cls.onnx", List.of(FIXED), 8, Map.of()))
                .hasMessage("cls.onnx: batch 8 does not fit input 'x' [1,3,48,192]: its batch dimension is fixed to 1");
        assertThatThrownBy(() -> BenchShapes.resolve("cls.onnx", List.of(FIXED), 0,
                Map.of("x", new long[] {1, 3, 32, 192}))).hasMessageContaining("dimension 2 is fixed to 48");
        assertThatThrownBy(() -> BenchShapes.resolve("cls.onnx", List.of(IMAGE), 0,
                Map.of("x", new long[] {1, 3, 48}))).hasMessageContaining("has rank 3 but input 'x' [?,3,?,?] has rank 4");
        assertThatThrownBy(() -> BenchShapes.resolve("cls.onnx", List.of(IMAGE), 0,
                Map.of("image", new long[] {1}))).hasMessageContaining("names 'image', which is not an input; inputs are [x]");
    }

    @Test
    void everyOpenInputIsNamedInOneSuggestion() {
        TensorSpec mask = new TensorSpec("attention_mask", ElementType.INT64, new long[] {-1, -1}, null);
        TensorSpec ids = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, null);
        assertThatThrownBy(() -> BenchShapes.resolve("minilm.onnx", List.of(ids, mask), 8, Map.of()))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("minilm.onnx: inputs 'input_ids' [?,?], 'attention_mask' [?,?] have open dimensions; "
                        + "give their shapes with --shapes input_ids:8xN,attention_mask:8xN");
    }

    /** --shapes is given once: the suggestion repeats what it holds, its other models' entries included. */
    @Test
    void theSuggestionKeepsTheEntriesAlreadyGiven() {
        TensorSpec mask = new TensorSpec("attention_mask", ElementType.INT64, new long[] {-1, -1}, null);
        Map<String, long[]> option = new java.util.LinkedHashMap<>();
        option.put("x", new long[] {1, 3, 48, 192});
        option.put("input_ids", new long[] {1, 16});
        TensorSpec ids = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, null);
        assertThatThrownBy(() -> BenchShapes.resolve("pair.onnx", List.of(ids, mask), 0,
                Map.of("input_ids", new long[] {1, 16}), Map.of(), option))
                .hasMessage("pair.onnx: input 'attention_mask' [?,?] has open dimension 1; give its shape with "
                        + "--shapes x:1x3x48x192,input_ids:1x16,attention_mask:1xN");
    }

    @Test
    void anEnginesOptimalShapesFillWhatTheUserLeftOpenWithTheBatchFirst() {
        Map<String, long[]> opt = Map.of("x", new long[] {8, 3, 48, 320}, "input_ids", new long[] {8, 64, 1});
        Map<String, long[]> shapes = BenchShapes.resolve("rec.engine", List.of(IMAGE, TOKENS), 32, Map.of(), opt);
        assertThat(shapes.get("x")).containsExactly(32, 3, 48, 320);
        // A default of another rank is not the input's: the model's own shape applies.
        assertThat(shapes.get("input_ids")).containsExactly(32, 128);
        assertThat(BenchShapes.resolve("rec.engine", List.of(IMAGE), 0, Map.of(), opt).get("x"))
                .containsExactly(8, 3, 48, 320);
        // What the user gives wins.
        assertThat(BenchShapes.resolve("rec.engine", List.of(IMAGE), 1,
                Map.of("x", new long[] {1, 3, 48, 640}), opt).get("x")).containsExactly(1, 3, 48, 640);
    }

    @Test
    void doesNotChangeTheCallersShapes() {
        long[] given = {1, 3, 48, 192};
        BenchShapes.resolve("m", List.of(IMAGE), 16, Map.of("x", given));
        assertThat(Arrays.equals(given, new long[] {1, 3, 48, 192})).isTrue();
    }

    /** Silero-like: the state's first dimension is fixed, its batch is dimension 1, named as the audio's first. */
    @Test
    void aFixedFirstDimensionBesideAnOpenBatchIsNotTheBatch() {
        TensorSpec state = new TensorSpec("state", ElementType.FLOAT32, new long[] {2, -1, 8}, List.of("", "N", ""));
        TensorSpec audio = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 4}, List.of("N", ""));
        Map<String, long[]> shapes = BenchShapes.resolve("m", List.of(state, audio), 0,
                Map.of("x", new long[] {1, 4}));
        assertThat(shapes.get("state")).containsExactly(2, 1, 8);
        assertThat(BenchShapes.batch(List.of(state, audio), shapes)).isEqualTo(1);

        Map<String, long[]> four = BenchShapes.resolve("m", List.of(state, audio), 4, Map.of());
        assertThat(four.get("x")).containsExactly(4, 4);
        assertThat(four.get("state")).containsExactly(2, 4, 8);
        assertThat(BenchShapes.batch(List.of(state, audio), four)).isEqualTo(4);
    }

    /** An open batch that defaults to 1 gives that size to every other input sharing its name. */
    @Test
    void theDefaultBatchOfOneReachesInputsSharingItsName() {
        TensorSpec a = new TensorSpec("a", ElementType.FLOAT32, new long[] {-1, 4}, List.of("N", ""));
        TensorSpec b = new TensorSpec("b", ElementType.FLOAT32, new long[] {4, -1}, List.of("", "N"));
        Map<String, long[]> shapes = BenchShapes.resolve("m", List.of(a, b), 0, Map.of());
        assertThat(shapes.get("a")).containsExactly(1, 4);
        assertThat(shapes.get("b")).containsExactly(4, 1);
        // a size another input's shape gives wins over the default
        assertThat(BenchShapes.resolve("m", List.of(a, b), 0, Map.of("b", new long[] {4, 3})).get("a"))
                .containsExactly(3, 4);
    }

    @Test
    void inputsTheHostCannotHoldAreRefusedBeforeAnyTiming() {
        Map<String, long[]> huge = BenchShapes.resolve("m.onnx", List.of(IMAGE, TOKENS), 100_000,
                Map.of("x", new long[] {1, 3, 48, 192}));
        assertThatThrownBy(() -> BenchShapes.requireHoldable("m.onnx", List.of(IMAGE, TOKENS), huge, 1L << 40))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("m.onnx: input 'x' at 100000x3x48x192 would take 11,059,200,000 bytes (FLOAT32), more than "
                        + "one ONNX Runtime tensor takes (2,147,483,615); give a smaller --batch or --shapes");
        Map<String, long[]> overflowing = Map.of("x", new long[] {100_000, 100_000, 100_000, 100_000});
        assertThatThrownBy(() -> BenchShapes.requireHoldable("m.onnx", List.of(IMAGE), overflowing, 1L << 40))
                .hasMessageContaining("would take more than 2^63 bytes");
        // fewer values than a Java array holds, but 2.2 GB: passed here and failed in ONNX Runtime as an unexpected
        // error (its one buffer per input holds Integer.MAX_VALUE bytes, less 8 elements)
        Map<String, long[]> bytes = BenchShapes.resolve("cls.onnx", List.of(IMAGE), 20_000,
                Map.of("x", new long[] {1, 3, 48, 192}));
        assertThatThrownBy(() -> BenchShapes.requireHoldable("cls.onnx", List.of(IMAGE), bytes, 1L << 40))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("cls.onnx: input 'x' at 20000x3x48x192 would take 2,211,840,000 bytes (FLOAT32), more than "
                        + "one ONNX Runtime tensor takes (2,147,483,615); give a smaller --batch or --shapes");

        // 8 x 3 x 48 x 192 floats and 8 x 128 longs: 884,736 + 8,192 bytes, held twice
        Map<String, long[]> eight = BenchShapes.resolve("m.onnx", List.of(IMAGE, TOKENS), 8,
                Map.of("x", new long[] {1, 3, 48, 192}));
        BenchShapes.requireHoldable("m.onnx", List.of(IMAGE, TOKENS), eight, 2 * (884_736 + 8_192));
        assertThatThrownBy(() -> BenchShapes.requireHoldable("m.onnx", List.of(IMAGE, TOKENS), eight,
                2 * (884_736 + 8_192) - 2))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("m.onnx: the inputs at x:8x3x48x192,input_ids:8x128 take 1 MiB, held twice (values and the "
                        + "runtime's copy), and Java may use 2 MiB; give a smaller --batch or --shapes, or more memory "
                        + "(TRT4J_JAVA_OPTS=-Xmx16g)");
    }
}
