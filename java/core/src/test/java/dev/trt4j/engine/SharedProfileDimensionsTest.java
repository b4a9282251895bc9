package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MiniLM's three inputs are all [batch_size,sequence_length]: a profile that gives input_ids gives the other two the
 * same sizes, bound by bound, as --shapes does everywhere else. It was refused with "profile 0 has no shape for
 * dynamic input 'attention_mask'".
 */
class SharedProfileDimensionsTest {
    private static final List<TensorSpec> MINILM = List.of(tokens("input_ids"), tokens("attention_mask"),
            tokens("token_type_ids"));

    private static TensorSpec tokens(String name) {
        return new TensorSpec(name, ElementType.INT64, new long[] {-1, -1}, List.of("batch_size", "sequence_length"));
    }

    @Test
    void eachBoundGivesTheInputsLeftOutItsSizes() {
        List<OptimizationProfile> given = OptimizationProfiles.fromOptions(List.of(), List.of("input_ids:1x16"),
                List.of("input_ids:8x64"), List.of("input_ids:32x128"));
        List<OptimizationProfile> filled = SharedProfileDimensions.fill(given, MINILM);
        OptimizationProfiles.validate(filled, MINILM);
        ShapeRange range = new ShapeRange(new long[] {1, 16}, new long[] {8, 64}, new long[] {32, 128});
        assertThat(filled.get(0).inputs().keySet()).containsExactly("input_ids", "attention_mask", "token_type_ids");
        assertThat(filled.get(0).rangeOf("attention_mask")).isEqualTo(range);
        assertThat(filled.get(0).rangeOf("token_type_ids")).isEqualTo(range);

        // --shapes: one fixed shape each, and each profile of several on its own
        List<OptimizationProfile> fixed = SharedProfileDimensions.fill(OptimizationProfiles.fromOptions(
                List.of("input_ids:1x64", "input_ids:8x128"), List.of(), List.of(), List.of()), MINILM);
        assertThat(fixed.get(0).rangeOf("token_type_ids")).isEqualTo(ShapeRange.fixed(new long[] {1, 64}));
        assertThat(fixed.get(1).rangeOf("attention_mask")).isEqualTo(ShapeRange.fixed(new long[] {8, 128}));
    }

    @Test
    void anInputGivenKeepsItsOwnRange() {
        List<OptimizationProfile> given = OptimizationProfiles.fromOptions(List.of(),
                List.of("input_ids:1x16,attention_mask:1x16"), List.of("input_ids:8x64,attention_mask:8x64"),
                List.of("input_ids:32x128,attention_mask:32x128"));
        ShapeRange own = given.get(0).rangeOf("attention_mask");
        List<OptimizationProfile> filled = SharedProfileDimensions.fill(given, MINILM);
        assertThat(filled.get(0).rangeOf("attention_mask")).isSameAs(own);
        assertThat(filled.get(0).rangeOf("token_type_ids").max()).containsExactly(32, 128);
    }

    /** Two sizes for one name would hand one of them on: refused in one line naming the inputs that gave them. */
    @Test
    void sizesThatDisagreeAreRefusedNamingTheInputsGiven() {
        List<OptimizationProfile> given = OptimizationProfiles.fromOptions(List.of(),
                List.of("input_ids:1x16,token_type_ids:1x16"), List.of("input_ids:8x64,token_type_ids:8x64"),
                List.of("input_ids:32x128,token_type_ids:32x256"));
        assertThatThrownBy(() -> SharedProfileDimensions.fill(given, MINILM))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("profile 0: inputs 'input_ids' and 'token_type_ids' share dimension 'sequence_length', "
                        + "but their max shapes give it 128 and 256; give both the same size");
    }

    /** An input with a dimension no given input names is left for validate to ask for. */
    @Test
    void anInputWithADimensionNothingNamesIsLeftOut() {
        TensorSpec pixels = new TensorSpec("pixels", ElementType.FLOAT32, new long[] {-1, 3, -1, -1},
                List.of("batch_size", "c", "height", "width"));
        List<TensorSpec> inputs = List.of(tokens("input_ids"), pixels);
        List<OptimizationProfile> filled = SharedProfileDimensions.fill(OptimizationProfiles.fromOptions(
                List.of("input_ids:1x64"), List.of(), List.of(), List.of()), inputs);
        assertThat(filled.get(0).rangeOf("pixels")).isNull();
        assertThatThrownBy(() -> OptimizationProfiles.validate(filled, inputs))
                .hasMessageStartingWith("profile 0 has no shape for dynamic input 'pixels'");
    }
}
