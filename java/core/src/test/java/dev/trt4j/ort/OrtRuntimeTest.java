package dev.trt4j.ort;

import dev.trt4j.engine.Availability;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OrtRuntimeTest {
    @Test
    void availableWhereTheEnvironmentStarts() {
        Availability a = OrtRuntime.availability();
        assertThat(a.available()).as(a.reason()).isTrue();
        assertThat(OrtRuntime.environment()).isNotNull();
    }
}
