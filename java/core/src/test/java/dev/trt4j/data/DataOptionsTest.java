package dev.trt4j.data;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataOptionsTest {
    @Test
    void parsesOneAndSeveralFixedShapes() {
        assertThat(DataOptions.parseFixedShapes("x:1x3x48x192").get("x")).containsExactly(1, 3, 48, 192);
        Map<String, long[]> two = DataOptions.parseFixedShapes("input_ids:8x128, attention_mask:8X128");
        assertThat(two.keySet()).containsExactly("input_ids", "attention_mask");
        assertThat(two.get("attention_mask")).containsExactly(8, 128);
    }

    @Test
    void nameIsEverythingBeforeTheLastColon() {
        assertThat(DataOptions.parseFixedShapes("input:0:4x10").get("input:0")).containsExactly(4, 10);
    }

    @Test
    void badShapesGiveTheEntryAndTheExpectedForm() {
        assertThatThrownBy(() -> DataOptions.parseFixedShapes("x:1x3,"))
                .hasMessage("fixed shapes: '' is not NAME:DIMS (e.g. x:1x3x224x224)");
        assertThatThrownBy(() -> DataOptions.parseFixedShapes("x1x3x48"))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("fixed shapes: 'x1x3x48' is not NAME:DIMS (e.g. x:1x3x224x224)");
        assertThatThrownBy(() -> DataOptions.parseFixedShapes("x:1x3xAx192"))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("fixed shapes: 'x:1x3xAx192': dimension 'A' is not a positive integer (data has at least "
                        + "1 of each dimension)");
        assertThatThrownBy(() -> DataOptions.parseFixedShapes("x:1x0"))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("'0' is not a positive integer");
        assertThatThrownBy(() -> DataOptions.parseFixedShapes("x:1x2,x:3x4"))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("input 'x' is given twice");
    }

    @Test
    void builderCopiesShapesAndRoundTripsThroughToBuilder() {
        long[] dims = {2, 5};
        DataOptions o = DataOptions.builder().batchSize(4).maxSamples(9).fixedShape("a", dims).seed(7)
                .sequenceLength(64).vocabSize(100).rotateHalf(true).build();
        dims[0] = 99;
        assertThat(o.fixedShape("a")).containsExactly(2, 5);
        DataOptions again = o.toBuilder().build();
        assertThat(again.batchSize()).isEqualTo(4);
        assertThat(again.maxSamples()).isEqualTo(9);
        assertThat(again.seed()).isEqualTo(7);
        assertThat(again.fixedShape("a")).containsExactly(2, 5);
        assertThat(again.rotateHalf()).isTrue();
        assertThat(DataOptions.defaults().fixedShape("a")).isNull();
    }

    @Test
    void aFixedShapeFromCodeIsCheckedAsTheTextFormIs() {
        assertThatThrownBy(() -> DataOptions.builder().fixedShape("x", 2, 3, 0, 192))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fixed shape of input 'x': dimension 2 is 0; every dimension must be at least 1");
        assertThatThrownBy(() -> DataOptions.builder().fixedShape("x", 2, -1))
                .hasMessage("fixed shape of input 'x': dimension 1 is -1; every dimension must be at least 1");
    }

    @Test
    void aNegativeOptionIsNamed() {
        assertThatThrownBy(() -> DataOptions.builder().audioHop(-3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("audio hop must not be negative, got -3");
        assertThatThrownBy(() -> DataOptions.builder().maxSamples(-1).build())
                .hasMessage("max samples must not be negative, got -1");
    }
}
