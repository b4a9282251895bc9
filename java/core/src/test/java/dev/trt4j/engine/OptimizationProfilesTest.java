package dev.trt4j.engine;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptimizationProfilesTest {
    private static final TensorSpec X = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, -1}, null);
    private static final TensorSpec IDS = new TensorSpec("ids", ElementType.INT64, new long[] {1, 16}, null);

    @Test
    void eachShapesOptionIsOneFixedProfile() {
        List<OptimizationProfile> profiles = OptimizationProfiles.fromOptions(
                List.of("x:1x3x48x192", "x:8x3x48x320"), List.of(), List.of(), List.of());
        assertThat(profiles).hasSize(2);
        assertThat(profiles.get(1).rangeOf("x")).isEqualTo(ShapeRange.fixed(new long[] {8, 3, 48, 320}));
    }

    @Test
    void minOptMaxByPositionWithMissingBoundsDefaultingToOpt() {
        List<OptimizationProfile> profiles = OptimizationProfiles.fromOptions(List.of(),
                List.of("x:1x3x48x32", "x:4x3x48x32"), List.of("x:4x3x48x192", "x:8x3x48x192"), List.of());
        assertThat(profiles).hasSize(2);
        ShapeRange second = profiles.get(1).rangeOf("x");
        assertThat(second.min()).containsExactly(4, 3, 48, 32);
        assertThat(second.max()).containsExactly(8, 3, 48, 192);
    }

    @Test
    void rejectsContradictoryOptions() {
        assertThatThrownBy(() -> OptimizationProfiles.fromOptions(List.of("x:1x3x48x192"), List.of(),
                List.of("x:1x3x48x192"), List.of())).hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> OptimizationProfiles.fromOptions(List.of(), List.of("x:1x3x48x32"), List.of(),
                List.of())).hasMessageContaining("need --opt-shapes");
        assertThatThrownBy(() -> OptimizationProfiles.fromOptions(List.of(), List.of("x:1x3x48x32", "x:1x3x48x32"),
                List.of("x:1x3x48x64"), List.of())).hasMessageContaining("--min-shapes is given 2 times");
        assertThatThrownBy(() -> OptimizationProfiles.fromOptions(List.of(), List.of("x:4x3x48x32"),
                List.of("x:1x3x48x64"), List.of())).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("profile 0: input 'x'").hasMessageContaining("min <= opt <= max");
        assertThatThrownBy(() -> OptimizationProfiles.fromOptions(List.of(), List.of("y:1x2"), List.of("x:1x3x48x64"),
                List.of())).hasMessageContaining("input 'y' has --min-shapes/--max-shapes but no --opt-shapes");
    }

    @Test
    void validatesProfilesAgainstModelInputs() {
        List<TensorSpec> inputs = List.of(X, IDS);
        OptimizationProfiles.validate(profile(Map.of("x", ShapeRange.fixed(new long[] {2, 3, 48, 100}))), inputs);
        assertThatThrownBy(() -> OptimizationProfiles.validate(List.of(), inputs))
                .hasMessageContaining("'x' has dynamic shape [?,3,48,?]");
        assertThatThrownBy(() -> OptimizationProfiles.validate(
                profile(Map.of("z", ShapeRange.fixed(new long[] {1}))), inputs))
                .hasMessageContaining("'z' that the model does not have; model inputs are [x, ids]");
        assertThatThrownBy(() -> OptimizationProfiles.validate(
                profile(Map.of("x", ShapeRange.fixed(new long[] {1, 4, 48, 100}))), inputs))
                .hasMessageContaining("dimension 1 is fixed at 3");
        assertThatThrownBy(() -> OptimizationProfiles.validate(
                profile(Map.of("x", ShapeRange.fixed(new long[] {1, 3, 48}))), inputs))
                .hasMessageContaining("rank 4");
        assertThatThrownBy(() -> OptimizationProfiles.validate(
                profile(Map.of("ids", ShapeRange.fixed(new long[] {1, 16}))), inputs))
                .hasMessageContaining("profile 0 has no shape for dynamic input 'x'");
    }

    @Test
    void calibrationUsesOptShapesOfTheCalibrationProfileAndStaticShapesOtherwise() {
        List<OptimizationProfile> profiles = List.of(
                new OptimizationProfile(Map.of("x", new ShapeRange(new long[] {1, 3, 48, 32}, new long[] {4, 3, 48, 192},
                        new long[] {8, 3, 48, 320}))),
                new OptimizationProfile(Map.of("x", ShapeRange.fixed(new long[] {16, 3, 48, 192}))));
        Map<String, long[]> shapes = OptimizationProfiles.calibrationShapes(profiles, 0, List.of(X, IDS));
        assertThat(shapes.get("x")).containsExactly(4, 3, 48, 192);
        assertThat(shapes.get("ids")).containsExactly(1, 16);
        assertThat(OptimizationProfiles.calibrationShapes(profiles, 1, List.of(X)).get("x")).containsExactly(16, 3, 48, 192);
        assertThatThrownBy(() -> OptimizationProfiles.calibrationShapes(profiles, 2, List.of(X)))
                .hasMessageContaining("calibration profile 2 does not exist; there are 2 profiles");
    }

    private static List<OptimizationProfile> profile(Map<String, ShapeRange> ranges) {
        return List.of(new OptimizationProfile(ranges));
    }

    /** BERT's inputs share "sequence": 128 for one and 64 for another is refused before the GPU, at any bound. */
    @Test
    void inputsSharingADimensionNameMustAgreeOnItsSize() {
        java.util.function.Function<String, TensorSpec> tokens = name -> new TensorSpec(name, ElementType.INT64,
                new long[] {-1, -1}, List.of("batch", "sequence"));
        List<TensorSpec> inputs = List.of(tokens.apply("input_ids"), tokens.apply("attention_mask"));

        List<OptimizationProfile> fixed = OptimizationProfiles.fromOptions(
                List.of("input_ids:1x128,attention_mask:1x64"), List.of(), List.of(), List.of());
        assertThatThrownBy(() -> OptimizationProfiles.validate(fixed, inputs)).hasMessage("profile 0: inputs "
                + "'input_ids' and 'attention_mask' share dimension 'sequence', but their opt shapes give it 128 and "
                + "64; give both the same size");
        List<OptimizationProfile> ranged = OptimizationProfiles.fromOptions(List.of(),
                List.of("input_ids:1x16,attention_mask:1x16"), List.of("input_ids:8x128,attention_mask:8x128"),
                List.of("input_ids:32x512,attention_mask:32x256"));
        assertThatThrownBy(() -> OptimizationProfiles.validate(ranged, inputs))
                .hasMessageContaining("their max shapes give it 512 and 256");
        OptimizationProfiles.validate(OptimizationProfiles.fromOptions(List.of("input_ids:1x128,attention_mask:1x128"),
                List.of(), List.of(), List.of()), inputs);
    }
}
