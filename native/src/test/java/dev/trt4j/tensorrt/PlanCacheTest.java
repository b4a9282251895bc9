package dev.trt4j.tensorrt;

import dev.trt4j.Trt4jException;
import dev.trt4j.table.Provenance;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanCacheTest {
    private static String plan(String text) {
        return Provenance.sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void thePlanIsLoadedOnceHoweverOftenItIsTimed() {
        // bench --compare --rounds N runs every engine N times; each load used to deserialize a new engine and
        // context that nothing can free, so GPU memory grew with every round.
        PlanCache<Object> cache = new PlanCache<>();
        AtomicInteger loads = new AtomicInteger();
        Object first = cache.get(plan("engine A"), () -> new Object[] {loads.incrementAndGet()});
        for (int round = 0; round < 5; round++) {
            assertThat(cache.get(plan("engine A"), () -> new Object[] {loads.incrementAndGet()})).isSameAs(first);
        }
        assertThat(loads).hasValue(1);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void otherBytesAreAnotherEngineEvenUnderTheSameName() {
        // a rebuilt engine file has new bytes and must not be served from the old plan
        PlanCache<String> cache = new PlanCache<>();
        assertThat(cache.get(plan("fp16 v1"), () -> "v1")).isEqualTo("v1");
        assertThat(cache.get(plan("fp16 v2"), () -> "v2")).isEqualTo("v2");
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void aFailedLoadIsNotKept() {
        PlanCache<String> cache = new PlanCache<>();
        assertThatThrownBy(() -> cache.get(plan("stale"), () -> {
            throw new Trt4jException("stale.engine: TensorRT cannot load this engine");
        })).isInstanceOf(Trt4jException.class).hasMessage("stale.engine: TensorRT cannot load this engine");
        assertThat(cache.size()).isZero();
        assertThat(cache.get(plan("stale"), () -> "loaded")).isEqualTo("loaded");
    }
}
