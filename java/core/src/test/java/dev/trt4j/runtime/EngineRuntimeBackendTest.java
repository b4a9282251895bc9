package dev.trt4j.runtime;

import dev.trt4j.Trt4jException;
import dev.trt4j.engine.Availability;
import dev.trt4j.engine.EngineRuntime;
import dev.trt4j.engine.EngineSession;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TensorRT backend's pooling over the engine SPI, with a fake engine that doubles its input. */
class EngineRuntimeBackendTest {
    private static final TensorSpec IN = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 2}, null);
    private static final TensorSpec OUT = new TensorSpec("y", ElementType.FLOAT32, new long[] {-1, 2}, null);

    private static final class FakeEngines implements EngineRuntime {
        final List<FakeSession> opened = new ArrayList<>();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Availability availability() {
            return Availability.yes();
        }

        @Override
        public EngineSession open(Path engine) {
            FakeSession s = new FakeSession();
            opened.add(s);
            return s;
        }
    }

    private static final class FakeSession implements EngineSession {
        boolean closed;

        @Override
        public List<TensorSpec> inputs() {
            return List.of(IN);
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of(OUT);
        }

        @Override
        public Map<String, HostTensor> run(Map<String, HostTensor> inputs) {
            float[] x = inputs.get("x").floats();
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = 2 * x[i];
            }
            return Map.of("y", HostTensor.ofFloats(inputs.get("x").shape(), y));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void eachContextIsOneEngineSessionAndTheFirstIsReused() {
        FakeEngines engines = new FakeEngines();
        EngineRuntimeBackend backend = new EngineRuntimeBackend(() -> engines);
        assertThat(backend.handles(Path.of("engines/cls.fp16.engine"))).isTrue();
        assertThat(backend.handles(Path.of("cls.plan"))).isTrue();
        assertThat(backend.handles(Path.of("cls.onnx"))).isFalse();
        try (InferenceSession session = InferenceSession.of(backend.load(Path.of("cls.engine"),
                InferenceOptions.defaults()), 3)) {
            assertThat(engines.opened).hasSize(3);
            Map<String, HostTensor> out = session.run(Map.of("x", HostTensor.ofFloats(new long[] {1, 2},
                    new float[] {1.5f, -2})));
            assertThat(out.get("y").floats()).containsExactly(3f, -4f);
            assertThatThrownBy(() -> session.run(Map.of("x", HostTensor.ofFloats(new long[] {1, 3}, new float[3]))))
                    .isInstanceOf(Trt4jException.class).hasMessageContaining("input 'x' expects shape [?,2]");
        }
        assertThat(engines.opened).allMatch(s -> s.closed);
    }

    @Test
    void saysWhyWhenTheNativeModuleIsMissing() {
        EngineRuntimeBackend backend = new EngineRuntimeBackend(() -> {
            throw new Trt4jException("no TensorRT backend: trt4j-native is not on the class path");
        });
        Availability availability = backend.availability();
        assertThat(availability.available()).isFalse();
        assertThat(availability.reason()).contains("trt4j-native");
    }
}
