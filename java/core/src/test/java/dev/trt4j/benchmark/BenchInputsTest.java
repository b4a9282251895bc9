package dev.trt4j.benchmark;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchInputsTest {
    private static final List<TensorSpec> TEXT = List.of(
            new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, null),
            new TensorSpec("attention_mask", ElementType.INT64, new long[] {-1, -1}, null));
    private static final Map<String, long[]> SHAPES = Map.of("input_ids", new long[] {2, 16},
            "attention_mask", new long[] {2, 16});
    private static final List<TensorSpec> VECTOR = List.of(
            new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 4}, null));

    @TempDir
    Path dir;

    @Test
    void randomInputsAreSeededAndShapedAsAsked() {
        Map<String, HostTensor> a = BenchInputs.random(3).create(TEXT, SHAPES);
        Map<String, HostTensor> b = BenchInputs.random(3).create(TEXT, SHAPES);
        Map<String, HostTensor> c = BenchInputs.random(4).create(TEXT, SHAPES);
        assertThat(a.get("input_ids").shape()).containsExactly(2, 16);
        assertThat(a.get("input_ids").longs()).isEqualTo(b.get("input_ids").longs())
                .isNotEqualTo(c.get("input_ids").longs());
        assertThat(a.get("attention_mask").longs()).containsOnly(1L);
        assertThat(BenchInputs.random(3).describe()).isEqualTo("random (seed 3)");
    }

    /** A Concat's inputs with different first dimensions, and a scalar: each random input takes its own shape. */
    @Test
    void randomInputsNeedNoSharedBatch() {
        List<TensorSpec> inputs = List.of(new TensorSpec("a", ElementType.FLOAT32, new long[] {-1, 4}, null),
                new TensorSpec("b", ElementType.FLOAT32, new long[] {-1, 4}, null),
                new TensorSpec("sr", ElementType.INT64, new long[0], null));
        Map<String, HostTensor> r = BenchInputs.random(0).create(inputs, Map.of("a", new long[] {2, 4},
                "b", new long[] {3, 4}, "sr", new long[0]));
        assertThat(r.get("a").shape()).containsExactly(2, 4);
        assertThat(r.get("b").shape()).containsExactly(3, 4);
        assertThat(r.get("sr").shape()).isEmpty();
        assertThat(r.get("a").floats()).hasSize(8).doesNotContain(Float.NaN);
    }

    @Test
    void zerosAreZeros() {
        Map<String, HostTensor> z = BenchInputs.zeros().create(VECTOR, Map.of("x", new long[] {3, 4}));
        assertThat(z.get("x").floats()).hasSize(12).containsOnly(0f);
    }

    @Test
    void realDataFillsTheBatchFromTheFirstSamples() throws Exception {
        Path raw = dir.resolve("samples.raw");
        ByteBuffer bytes = ByteBuffer.allocate(12 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 12; i++) {
            bytes.putFloat(i * 0.5f);
        }
        Files.write(raw, bytes.array());
        Map<String, HostTensor> two = BenchInputs.fromData(raw).create(VECTOR, Map.of("x", new long[] {2, 4}));
        assertThat(two.get("x").floats()).containsExactly(0f, 0.5f, 1f, 1.5f, 2f, 2.5f, 3f, 3.5f);
        assertThatThrownBy(() -> BenchInputs.fromData(raw).create(VECTOR, Map.of("x", new long[] {4, 4})))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("fewer samples than the batch");
        assertThatThrownBy(() -> BenchInputs.fromData(dir.resolve("none.npy")).create(VECTOR,
                Map.of("x", new long[] {1, 4}))).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("none.npy");

        Path nan = dir.resolve("nan.raw");
        bytes.putFloat(4, Float.NaN);
        Files.write(nan, bytes.array());
        assertThatThrownBy(() -> BenchInputs.fromData(nan).create(VECTOR, Map.of("x", new long[] {2, 4})))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("holds NaN in input 'x'");
    }
}
