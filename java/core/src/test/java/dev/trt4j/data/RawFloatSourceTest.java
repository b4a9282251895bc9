package dev.trt4j.data;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RawFloatSourceTest {
    @TempDir
    Path dir;

    private static final TensorSpec X = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 2, 2}, null);

    /** Writes samples of 4 floats each: sample s holds s*10 + 0..3. */
    private Path raw(String name, int firstSample, int samples) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(samples * 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = firstSample; s < firstSample + samples; s++) {
            for (int i = 0; i < 4; i++) {
                b.putFloat(s * 10 + i);
            }
        }
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    @Test
    void folderOfFilesIsReadInNameOrderAcrossFileBoundaries() throws IOException {
        raw("b.bin", 3, 2);
        raw("a.raw", 0, 3);
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        try (RawFloatSource s = new RawFloatSource(dir, List.of(X), DataOptions.builder().batchSize(2).build())) {
            assertThat(s.sampleCount()).contains(5L);
            List<Batch> batches = Batches.drain(s);
            assertThat(batches).extracting(Batch::size).containsExactly(2, 2, 1);
            assertThat(batches.get(1).inputs().get("x").floats()).containsExactly(20, 21, 22, 23, 30, 31, 32, 33);
            assertThat(batches.get(2).inputs().get("x").floats()).containsExactly(40, 41, 42, 43);
            assertThat(batches.get(2).inputs().get("x").shape()).containsExactly(1, 2, 2);
        }
    }

    @Test
    void singleFileUsesTheFixedShapeForDynamicDims() throws IOException {
        Path one = raw("one.raw", 0, 2);
        TensorSpec dynamic = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 2, -1}, null);
        try (RawFloatSource s = new RawFloatSource(one, List.of(dynamic),
                DataOptions.builder().fixedShapes("x:1x2x2").build())) {
            assertThat(Batches.drain(s)).extracting(Batch::size).containsExactly(1, 1);
        }
        assertThatThrownBy(() -> new RawFloatSource(one, List.of(dynamic), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessageContaining("model input 'x' [?,2,?] has dynamic dimension 2");
    }

    @Test
    void describesOneFileAndOneSampleInTheSingular() throws IOException {
        Path one = raw("one.raw", 0, 1);
        try (RawFloatSource s = new RawFloatSource(one, List.of(X), DataOptions.defaults())) {
            assertThat(s.describe()).isEqualTo("raw:" + one + " (1 file, 1 sample)");
        }
        raw("two.raw", 1, 2);
        try (RawFloatSource s = new RawFloatSource(dir, List.of(X), DataOptions.defaults())) {
            assertThat(s.describe()).isEqualTo("raw:" + dir + " (2 files, 3 samples)");
        }
    }

    @Test
    void sizeThatIsNotAWholeNumberOfSamplesIsAnError() throws IOException {
        Path odd = dir.resolve("odd.raw");
        Files.write(odd, new byte[20]);
        assertThatThrownBy(() -> new RawFloatSource(odd, List.of(X), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(odd + ": 20 bytes are not a whole number of samples of model input 'x' [?,2,2] at "
                        + "[8,2,2] (16 bytes each)");
    }

    @Test
    void nonFloatInputAndEmptyFolderAreErrors() throws IOException {
        Path one = raw("one.raw", 0, 1);
        TensorSpec ids = new TensorSpec("ids", ElementType.INT64, new long[] {-1, 4}, null);
        assertThatThrownBy(() -> new RawFloatSource(one, List.of(ids), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(one + ": raw float32 data does not fit model input 'ids' INT64 [?,4]");
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> new RawFloatSource(empty, List.of(X), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(empty + ": no .bin/.raw files in this folder");
    }
}
