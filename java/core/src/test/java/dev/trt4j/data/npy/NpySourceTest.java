package dev.trt4j.data.npy;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.Batches;
import dev.trt4j.data.DataOptions;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpySourceTest {
    @TempDir
    Path dir;

    private static final TensorSpec X = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 2, 3}, null);

    /** 10 samples of shape [2,3] whose values are sample * 100 + element. */
    private Path tenSamples() {
        float[] v = new float[60];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i / 6) * 100 + i % 6;
        }
        Path p = dir.resolve("ten.npy");
        NpyFile.write(p, NpyArray.ofFloats(new long[] {10, 2, 3}, v));
        return p;
    }

    @Test
    void tenSamplesInBatchesOfFourAreFourFourTwoInOrder() {
        try (NpySource s = new NpySource(tenSamples(), List.of(X), DataOptions.builder().batchSize(4).build())) {
            assertThat(s.sampleCount()).contains(10L);
            List<Batch> batches = Batches.drain(s);
            assertThat(batches).extracting(Batch::size).containsExactly(4, 4, 2);
            HostTensor last = batches.get(2).inputs().get("x");
            assertThat(last.shape()).containsExactly(2, 2, 3);
            assertThat(last.floats()[0]).isEqualTo(800f);
            assertThat(last.floats()[11]).isEqualTo(905f);
            assertThat(batches.get(1).inputs().get("x").floats()[0]).isEqualTo(400f);
            assertThat(s.describe()).contains("ten.npy").contains("10 samples");
        }
    }

    /**
     * The ten samples saved with np.save(f, np.asfortranarray(a)): each sample's values are spread over the file, and
     * the batches hold the same values as those of the C-order file.
     */
    @Test
    void aFortranOrderArrayGivesTheSameBatchesAsItsCOrderCopy() throws Exception {
        float[] columnMajor = new float[60];
        for (int sample = 0; sample < 10; sample++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 3; k++) {
                    columnMajor[sample + 10 * (j + 2 * k)] = sample * 100 + j * 3 + k;
                }
            }
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        String dict = "{'descr': '<f4', 'fortran_order': True, 'shape': (10, 2, 3), }";
        String padded = dict + " ".repeat(128 - 10 - dict.length() - 1) + "\n";
        file.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) padded.length(), 0});
        file.write(padded.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer data = ByteBuffer.allocate(240).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(columnMajor);
        file.write(data.array());
        Path fortran = Files.write(dir.resolve("fortran.npy"), file.toByteArray());

        DataOptions four = DataOptions.builder().batchSize(4).build();
        try (NpySource f = new NpySource(fortran, List.of(X), four);
             NpySource c = new NpySource(tenSamples(), List.of(X), four)) {
            List<Batch> fromFortran = Batches.drain(f);
            List<Batch> fromC = Batches.drain(c);
            assertThat(fromFortran).extracting(Batch::size).containsExactly(4, 4, 2);
            for (int b = 0; b < 3; b++) {
                HostTensor x = fromFortran.get(b).inputs().get("x");
                assertThat(x.shape()).containsExactly(fromC.get(b).inputs().get("x").shape());
                assertThat(x.floats()).as("batch %d", b).containsExactly(fromC.get(b).inputs().get("x").floats());
            }
            assertThat(fromFortran.get(2).inputs().get("x").floats()[11]).isEqualTo(905f);
        }
    }

    @Test
    void maxSamplesStopsEarly() {
        try (NpySource s = new NpySource(tenSamples(), List.of(X),
                DataOptions.builder().batchSize(4).maxSamples(5).build())) {
            assertThat(Batches.drain(s)).extracting(Batch::size).containsExactly(4, 1);
        }
    }

    @Test
    void fixedBatchModelGetsOnlyFullBatches() {
        TensorSpec fixed = new TensorSpec("x", ElementType.FLOAT32, new long[] {4, 2, 3}, null);
        try (NpySource s = new NpySource(tenSamples(), List.of(fixed), DataOptions.defaults())) {
            assertThat(s.sampleCount()).contains(8L);
            assertThat(Batches.drain(s)).extracting(Batch::size).containsExactly(4, 4);
        }
    }

    @Test
    void float64IsNarrowedAndIntsWidenToTheModelType() {
        Path f8 = dir.resolve("f8.npy");
        NpyFile.write(f8, NpyArray.ofDoubles(new long[] {1, 2, 3}, new double[] {1, 2, 3, 4, 5, 0.1}));
        try (NpySource s = new NpySource(f8, List.of(X), DataOptions.defaults())) {
            assertThat(s.next().orElseThrow().inputs().get("x").floats()).containsExactly(1, 2, 3, 4, 5, 0.1f);
        }
        Path i4 = dir.resolve("ids.npy");
        NpyFile.write(i4, NpyArray.ofInts(new long[] {2, 3}, new int[] {1, 2, 3, 4, 5, 6}));
        TensorSpec ids = new TensorSpec("ids", ElementType.INT64, new long[] {-1, 3}, null);
        try (NpySource s = new NpySource(i4, List.of(ids), DataOptions.builder().batchSize(1).build())) {
            assertThat(s.next().orElseThrow().inputs().get("ids").longs()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void errorsNameFileInputAndBothShapes() {
        Path wrong = dir.resolve("lines.npy");
        NpyFile.write(wrong, NpyArray.ofFloats(new long[] {10, 3, 32, 32}, new float[10 * 3 * 32 * 32]));
        TensorSpec cls = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 48, 192}, null);
        assertThatThrownBy(() -> new NpySource(wrong, List.of(cls), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(wrong + ": array shape [10,3,32,32] does not fit model input 'x' [?,3,48,192]");

        Path longs = dir.resolve("longs.npy");
        NpyFile.write(longs, NpyArray.ofLongs(new long[] {1, 2, 3}, new long[6]));
        assertThatThrownBy(() -> new NpySource(longs, List.of(X), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(longs + ": array dtype int64 does not fit model input 'x' FLOAT32 [?,2,3]");

        TensorSpec y = new TensorSpec("y", ElementType.FLOAT32, new long[] {-1}, null);
        assertThatThrownBy(() -> new NpySource(tenSamples(), List.of(X, y), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class).hasMessageEndingWith("but the model has 2: x, y");

        TensorSpec fixed8 = new TensorSpec("x", ElementType.FLOAT32, new long[] {16, 2, 3}, null);
        assertThatThrownBy(() -> new NpySource(tenSamples(), List.of(fixed8), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessageEndingWith("10 samples are fewer than one batch of 16, which the model's fixed batch "
                        + "dimension needs");
    }

    /** numpy writes nothing after an array; bytes there mean a second array or a wrong header length. */
    @Test
    void aFileLongerOrShorterThanItsHeaderSaysIsRefusedOnOpening() throws Exception {
        byte[] whole = java.nio.file.Files.readAllBytes(tenSamples());
        Path trailing = java.nio.file.Files.write(dir.resolve("trailing.npy"),
                java.util.Arrays.copyOf(whole, whole.length + 16));
        assertThatThrownBy(() -> new NpySource(trailing, List.of(X), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(trailing + ": 16 bytes follow the float32[10,2,3] array its header describes (a second"
                        + " array saved into the same file, or a wrong header length)");

        Path cut = java.nio.file.Files.write(dir.resolve("cut.npy"), java.util.Arrays.copyOf(whole, whole.length - 4));
        assertThatThrownBy(() -> new NpySource(cut, List.of(X), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(cut + ": truncated data: header says float32[10,2,3] (240 bytes) but only 236 follow");
    }
}
