package dev.trt4j.benchmark;

import dev.trt4j.Trt4jException;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.ShapeRange;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineShapeCheckTest {
    private static final Path ENGINE = Path.of("engines/cls.fp16.engine");

    private static EngineSidecar sidecar(ShapeRange x) {
        return new EngineSidecar(1, "e", "10.15.1", "Tesla T4", "7.5", "fp16", null, false, null, null, "cls.onnx",
                "m", List.of(Map.of("x", x)));
    }

    private static final EngineSidecar DYNAMIC = sidecar(new ShapeRange(new long[] {1, 3, 48, 96},
            new long[] {8, 3, 48, 192}, new long[] {32, 3, 48, 320}));

    @Test
    void acceptsShapesInsideProfileZero() {
        assertThatCode(() -> EngineShapeCheck.check(ENGINE, DYNAMIC, Map.of("x", new long[] {32, 3, 48, 96})))
                .doesNotThrowAnyException();
        assertThatCode(() -> EngineShapeCheck.check(ENGINE, DYNAMIC, Map.of("other", new long[] {5})))
                .doesNotThrowAnyException();
    }

    @Test
    void namesTheBatchRangeForABatchTheEngineCannotTake() {
        assertThatThrownBy(() -> EngineShapeCheck.check(ENGINE, DYNAMIC, Map.of("x", new long[] {64, 3, 48, 192})))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("engines/cls.fp16.engine cannot take batch 64: input 'x' takes batch 1 to 32 "
                        + "(time a batch it takes with --batch, or rebuild the engine with a wider profile)");
        EngineSidecar fixed = sidecar(ShapeRange.fixed(new long[] {1, 3, 48, 192}));
        assertThatThrownBy(() -> EngineShapeCheck.check(ENGINE, fixed, Map.of("x", new long[] {8, 3, 48, 192})))
                .hasMessageContaining("input 'x' takes only batch 1");
    }

    @Test
    void namesTheProfileForOtherDimensions() {
        assertThatThrownBy(() -> EngineShapeCheck.check(ENGINE, DYNAMIC, Map.of("x", new long[] {8, 3, 48, 400})))
                .hasMessage("engines/cls.fp16.engine: shape x:8x3x48x400 is outside the engine's profile 0 "
                        + "(min 1x3x48x96, opt 8x3x48x192, max 32x3x48x320)");
    }

    @Test
    void checksARequestFromTheProfilesOptimumAndTheBatch() {
        assertThatCode(() -> EngineShapeCheck.checkRequest(ENGINE, DYNAMIC, 16, Map.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> EngineShapeCheck.checkRequest(ENGINE, DYNAMIC, 128, Map.of()))
                .hasMessageContaining("cannot take batch 128");
        assertThatThrownBy(() -> EngineShapeCheck.checkRequest(ENGINE, DYNAMIC, 0,
                Map.of("x", new long[] {1, 3, 48, 640}))).hasMessageContaining("x:1x3x48x640 is outside");
    }
}
