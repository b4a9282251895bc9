package dev.trt4j.data;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShapeResolverTest {
    static TensorSpec spec(String name, ElementType type, long... dims) {
        return new TensorSpec(name, type, dims, null);
    }

    private static final TensorSpec CLS = spec("x", ElementType.FLOAT32, -1, 3, 48, 192);
    private static final TensorSpec REC = spec("x", ElementType.FLOAT32, -1, 3, 48, -1);

    @Test
    void batchSizeComesFromOptionsThenModelThenFixedShapeThenDefault() {
        assertThat(new ShapeResolver("d", List.of(CLS), DataOptions.builder().batchSize(3).build()).batchSize())
                .isEqualTo(3);
        ShapeResolver fixed = new ShapeResolver("d", List.of(spec("x", ElementType.FLOAT32, 4, 3, 48, 192)),
                DataOptions.defaults());
        assertThat(fixed.batchSize()).isEqualTo(4);
        assertThat(fixed.fullBatchesOnly()).isTrue();
        ShapeResolver user = new ShapeResolver("d", List.of(REC), DataOptions.builder()
                .fixedShapes("x:2x3x48x320").build());
        assertThat(user.batchSize()).isEqualTo(2);
        assertThat(user.fullBatchesOnly()).isFalse();
        assertThat(user.batchShape(REC)).containsExactly(2, 3, 48, 320);
        assertThat(new ShapeResolver("d", List.of(CLS), DataOptions.defaults()).batchSize())
                .isEqualTo(DataOptions.DEFAULT_BATCH_SIZE);
        assertThatThrownBy(() -> new ShapeResolver("d", List.of(REC), DataOptions.builder()
                .fixedShapes("x:99999999999x3x48x320").build())).isInstanceOf(InvalidOptionException.class)
                .hasMessage("d: batch size 99999999999 (from 'x' fixed to x:99999999999x3x48x320) is not usable; it "
                        + "must be 1 to 2147483647");
        // a model's own batch past the limit is the model's fault, not a usage error
        assertThatThrownBy(() -> new ShapeResolver("d", List.of(spec("x", ElementType.FLOAT32, 99999999999L, 3)),
                DataOptions.defaults())).isInstanceOf(Trt4jException.class)
                .isNotInstanceOf(InvalidOptionException.class).hasMessageContaining("(from 'x' [99999999999,3])");
    }

    /** BERT's three inputs are all [batch_size, sequence_length]: one fixed shape settles the others. */
    @Test
    void aDimensionSharingAFixedInputsSymbolicNameTakesItsSize() {
        List<String> names = java.util.Arrays.asList("batch_size", "sequence_length");
        TensorSpec ids = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, names);
        TensorSpec mask = new TensorSpec("attention_mask", ElementType.INT64, new long[] {-1, -1}, names);
        TensorSpec unnamed = spec("extra", ElementType.INT64, -1, -1);

        ShapeResolver r = new ShapeResolver("d", List.of(ids, mask, unnamed), DataOptions.builder()
                .fixedShapes("input_ids:4x16").build());

        assertThat(r.batchSize()).isEqualTo(4);
        assertThat(r.batchShape(mask)).containsExactly(4, 16);
        assertThatThrownBy(() -> r.batchShape(unnamed)).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("'extra' [?,?] has dynamic dimension 1");
    }

    @Test
    void batchSizeTheModelCannotTakeIsAnError() {
        TensorSpec one = spec("x", ElementType.FLOAT32, 1, 3, 48, 192);
        assertThatThrownBy(() -> new ShapeResolver("lines.npy", List.of(one), DataOptions.builder().batchSize(8)
                .build())).isInstanceOf(Trt4jException.class)
                .hasMessage("lines.npy: batch size 8 does not fit model input 'x' [1,3,48,192] (its batch dimension "
                        + "is fixed to 1)");
        TensorSpec state = spec("state", ElementType.FLOAT32, 2, 1, 128);
        assertThatThrownBy(() -> new ShapeResolver("speech", List.of(spec("input", ElementType.FLOAT32, 1, 576),
                state), DataOptions.defaults()))
                .hasMessage("speech: model inputs and fixed shapes disagree on the batch size: 1 ('input' [1,576]) vs "
                        + "2 ('state' [2,1,128]); an input whose first dimension is not the batch, such as a streaming "
                        + "state, is fed back with --feedback OUTPUT=INPUT");
        assertThatThrownBy(() -> new ShapeResolver("speech", List.of(spec("input", ElementType.FLOAT32, 1, 576),
                state), DataOptions.builder().batchSize(1).build())).isInstanceOf(InvalidOptionException.class)
                .hasMessage("speech: batch size 1 does not fit model input 'state' [2,1,128] (its batch dimension is "
                        + "fixed to 2); if 'state' is a streaming state, feed it back with --feedback OUTPUT=state "
                        + "(calibrate, evaluate, compare-calibrators, sensitivity)");
        // token ids are never a streaming state
        assertThatThrownBy(() -> new ShapeResolver("sentences", List.of(spec("input_ids", ElementType.INT64, 1, 16),
                spec("attention_mask", ElementType.INT64, 1, 16)), DataOptions.builder().batchSize(2).build()))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("sentences: batch size 2 does not fit model input 'input_ids' [1,16] (its batch dimension "
                        + "is fixed to 1)");
        assertThatThrownBy(() -> new ShapeResolver("d", List.of(REC), DataOptions.builder().batchSize(8)
                .fixedShapes("x:1x3x48x192").build())).isInstanceOf(InvalidOptionException.class)
                .hasMessage("batch size 8 conflicts with fixed shape x:1x3x48x192 (its first dimension is the batch)");
    }

    @Test
    void dynamicDimensionNotFixedNamesInputAndSuggestsAShape() {
        ShapeResolver r = new ShapeResolver("lines.raw", List.of(REC), DataOptions.builder().batchSize(8).build());
        assertThatThrownBy(() -> r.batchShape(REC)).isInstanceOf(Trt4jException.class)
                .hasMessage("lines.raw: model input 'x' [?,3,48,?] has dynamic dimension 3, which the data does not "
                        + "fix; give a fixed shape (--shapes), e.g. x:8x3x48xN");
        assertThat(r.batchShape(REC, new long[] {0, 0, 0, 320})).containsExactly(8, 3, 48, 320);
    }

    @Test
    void aBatchTooLargeForOneArrayNamesTheInput() {
        ShapeResolver huge = new ShapeResolver("random data", List.of(REC), DataOptions.builder()
                .fixedShapes("x:1x3x48x14913081").build());
        assertThatThrownBy(() -> huge.batchShape(REC)).isInstanceOf(Trt4jException.class)
                .hasMessage("random data: a batch of model input 'x' [1,3,48,14913081] is too large (more than 2^31-1 "
                        + "values); give a smaller batch or shape");
        TensorSpec image = spec("x", ElementType.FLOAT32, -1, 3, -1, -1);
        assertThatThrownBy(() -> DataSourceFactory.open(null, List.of(image), DataOptions.builder()
                .fixedShapes("x:1x3x100000x100000").build())).as("random data of that shape is never allocated")
                .isInstanceOf(Trt4jException.class).hasMessageContaining("model input 'x' [1,3,100000,100000] is too "
                        + "large (more than 2^31-1 values)");
        ShapeResolver batches = new ShapeResolver("big.npy", List.of(CLS), DataOptions.builder()
                .batchSize(100_000).build());
        assertThatThrownBy(() -> batches.fitData("big.npy", CLS, new long[] {10, 3, 48, 192}))
                .hasMessageStartingWith("big.npy: a batch of model input 'x' [100000,3,48,192] is too large");
        assertThat(new ShapeResolver("d", List.of(REC), DataOptions.builder().fixedShapes("x:1x3x48x14913080")
                .build()).batchShape(REC)).as("2^31-1 values or fewer still fit").containsExactly(1, 3, 48, 14913080);
    }

    @Test
    void fixedShapesMustNameAndFitAnInput() {
        assertThatThrownBy(() -> new ShapeResolver("d", List.of(CLS), DataOptions.builder()
                .fixedShapes("y:1x2").build())).isInstanceOf(InvalidOptionException.class)
                .hasMessage("fixed shape y:1x2 names no model input (inputs: x)");
        assertThatThrownBy(() -> new ShapeResolver("d", List.of(CLS), DataOptions.builder()
                .fixedShapes("x:1x3x32x192").build())).isInstanceOf(InvalidOptionException.class)
                .hasMessage("fixed shape x:1x3x32x192 does not fit model input 'x' [?,3,48,192]");
    }

    @Test
    void dataShapeMustFitModelAndFixedShape() {
        ShapeResolver r = new ShapeResolver("lines.npy", List.of(CLS), DataOptions.builder().batchSize(4).build());
        assertThat(r.fitData("lines.npy", CLS, new long[] {10, 3, 48, 192})).containsExactly(4, 3, 48, 192);
        assertThatThrownBy(() -> r.fitData("lines.npy", CLS, new long[] {10, 3, 32, 32}))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("lines.npy: array shape [10,3,32,32] does not fit model input 'x' [?,3,48,192]");
        assertThatThrownBy(() -> r.fitData("lines.npy", CLS, new long[] {3, 48, 192}))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("array shape [3,48,192] does not fit");
        ShapeResolver user = new ShapeResolver("l.npy", List.of(REC), DataOptions.builder()
                .fixedShapes("x:4x3x48x320").build());
        assertThatThrownBy(() -> user.fitData("l.npy", REC, new long[] {10, 3, 48, 100}))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("l.npy: array shape [10,3,48,100] does not fit model input 'x' [?,3,48,?] fixed to "
                        + "[4,3,48,320]");
    }

    @Test
    void rejectsInputTypesDataCannotFeedAndSeveralInputsForSingleInputData() {
        assertThatThrownBy(() -> new ShapeResolver("d", List.of(spec("h", ElementType.INT8, -1, 4)),
                DataOptions.defaults())).isInstanceOf(Trt4jException.class)
                .hasMessage("d: model input 'h' is INT8; calibration data can feed FLOAT32, FLOAT16, INT64, INT32 and "
                        + "BOOL inputs only");
        assertThat(new ShapeResolver("d", List.of(spec("h", ElementType.BOOL, -1, 4)), DataOptions.defaults())
                .inputs().get(0).type()).as("a mask or condition, fed 0 and 1").isEqualTo(ElementType.BOOL);
        assertThat(new ShapeResolver("d", List.of(spec("h", ElementType.FLOAT16, -1, 4)), DataOptions.defaults())
                .inputs().get(0).type()).as("fed float32 values, which the runner converts").isEqualTo(ElementType.FLOAT32);
        ShapeResolver two = new ShapeResolver("a.npy", List.of(CLS, spec("y", ElementType.INT64, -1)),
                DataOptions.defaults());
        assertThatThrownBy(() -> two.onlyInput(".npy")).isInstanceOf(Trt4jException.class)
                .hasMessage("a.npy: .npy data feeds a single input, but the model has 2: x, y");
    }
}
