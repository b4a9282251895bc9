package dev.trt4j.data.npy;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.data.Batches;
import dev.trt4j.data.DataOptions;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpzSourceTest {
    @TempDir
    Path dir;

    private static final TensorSpec IDS = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, 4}, null);
    private static final TensorSpec MASK = new TensorSpec("attention_mask", ElementType.INT64, new long[] {-1, 4},
            null);

    private Path archive(Map<String, NpyArray> arrays, boolean compress) {
        Path p = dir.resolve("data" + compress + ".npz");
        NpzFile.write(p, arrays, compress);
        return p;
    }

    private static NpyArray rows(int n, long base) {
        long[] v = new long[n * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = base + i;
        }
        return NpyArray.ofLongs(new long[] {n, 4}, v);
    }

    @Test
    void mapsArraysToInputsByNameWhateverTheArchiveOrder() {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("attention_mask", rows(3, 1000));
        arrays.put("input_ids", rows(3, 0));
        for (boolean compress : new boolean[] {false, true}) {
            try (NpzSource s = new NpzSource(archive(arrays, compress), List.of(IDS, MASK),
                    DataOptions.builder().batchSize(2).build())) {
                List<Batch> batches = Batches.drain(s);
                assertThat(batches).extracting(Batch::size).containsExactly(2, 1);
                assertThat(batches.get(1).inputs().get("input_ids").longs()).containsExactly(8, 9, 10, 11);
                assertThat(batches.get(1).inputs().get("attention_mask").longs())
                        .containsExactly(1008, 1009, 1010, 1011);
            }
        }
    }

    /** Entries as other writers name them: without ".npy", numpy's arr_0, and one name given twice. */
    @Test
    void readsEntriesAsNumpyNamesThemAndRefusesANameGivenTwice() throws Exception {
        byte[] ids;
        try (java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream()) {
            NpyFile.writeTo(b, rows(2, 0));
            ids = b.toByteArray();
        }
        for (String[] names : new String[][] {{"input_ids"}, {"arr_0.npy"}, {"input_ids.npy", "input_ids"}}) {
            Path p = dir.resolve(String.join("+", names) + ".npz");
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(p);
                 java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
                for (String name : names) {
                    zip.putNextEntry(new java.util.zip.ZipEntry(name));
                    zip.write(ids);
                    zip.closeEntry();
                }
            }
            if (names.length == 2) {
                assertThatThrownBy(() -> new NpzSource(p, List.of(IDS), DataOptions.defaults()))
                        .isInstanceOf(Trt4jException.class).hasMessage(p + ": holds two arrays named 'input_ids'");
                continue;
            }
            try (NpzSource s = new NpzSource(p, List.of(IDS), DataOptions.defaults())) {
                assertThat(Batches.drain(s).get(0).inputs().get("input_ids").longs()).as(names[0])
                        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
            }
        }
    }

    @Test
    void missingInputExtraArrayAndUnequalCountsAreErrors() {
        Path onlyIds = archive(Map.of("input_ids", rows(2, 0)), false);
        assertThatThrownBy(() -> new NpzSource(onlyIds, List.of(IDS, MASK), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(onlyIds + ": no array for model input 'attention_mask' (arrays: input_ids)");
        Path empty = dir.resolve("empty.npz");
        NpzFile.write(empty, Map.of(), false);
        assertThatThrownBy(() -> new NpzSource(empty, List.of(IDS, MASK), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(empty + ": no array for model input 'input_ids' (it holds no arrays)");

        Map<String, NpyArray> extra = new LinkedHashMap<>();
        extra.put("input_ids", rows(2, 0));
        extra.put("labels", rows(2, 0));
        Path withExtra = archive(extra, true);
        assertThatThrownBy(() -> new NpzSource(withExtra, List.of(IDS), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(withExtra + ": array 'labels' matches no input the data feeds (input_ids)");

        Map<String, NpyArray> uneven = new LinkedHashMap<>();
        uneven.put("input_ids", rows(2, 0));
        uneven.put("attention_mask", rows(3, 0));
        Path unevenFile = archive(uneven, false);
        assertThatThrownBy(() -> new NpzSource(unevenFile, List.of(IDS, MASK), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(unevenFile + ": arrays disagree on the sample count: 'input_ids' has 2, "
                        + "'attention_mask' has 3");
    }

    @Test
    void arrayShapeErrorNamesTheEntry() {
        Map<String, NpyArray> arrays = Map.of("input_ids", NpyArray.ofLongs(new long[] {2, 5}, new long[10]));
        Path p = archive(arrays, false);
        assertThatThrownBy(() -> new NpzSource(p, List.of(IDS), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(p + ":input_ids.npy: array shape [2,5] does not fit model input 'input_ids' [?,4]");
    }

    /** A dynamic dimension the model names in several inputs (MiniLM's sequence_length) must agree across arrays. */
    @Test
    void arraysMustAgreeOnADimensionTheModelNamesInSeveralInputs() {
        List<String> names = java.util.Arrays.asList("batch", "sequence");
        TensorSpec ids = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, names);
        TensorSpec mask = new TensorSpec("attention_mask", ElementType.INT64, new long[] {-1, -1}, names);
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("input_ids", NpyArray.ofLongs(new long[] {2, 16}, new long[32]));
        arrays.put("attention_mask", NpyArray.ofLongs(new long[] {2, 12}, new long[24]));
        Path p = archive(arrays, true);
        assertThatThrownBy(() -> new NpzSource(p, List.of(ids, mask), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage(p + ": arrays disagree on dimension 'sequence': 'input_ids' has 16, 'attention_mask' has 12");

        arrays.put("attention_mask", NpyArray.ofLongs(new long[] {2, 16}, new long[32]));
        Path same = archive(arrays, false);
        try (NpzSource s = new NpzSource(same, List.of(ids, mask), DataOptions.builder().batchSize(2).build())) {
            assertThat(Batches.drain(s)).hasSize(1);
        }
    }

    /** PaddlePaddle exports write {@code "?"} for every open dimension; those are not one shared dimension. */
    @Test
    void questionMarkDimensionsOfPaddleExportsNeedNotAgree() {
        TensorSpec x = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, -1, -1},
                java.util.Arrays.asList("?", null, "?", "?"));
        Path p = archive(Map.of("x", NpyArray.ofFloats(new long[] {2, 3, 4, 8}, new float[2 * 3 * 4 * 8])), false);
        try (NpzSource s = new NpzSource(p, List.of(x), DataOptions.builder().batchSize(2).build())) {
            assertThat(Batches.drain(s)).singleElement()
                    .satisfies(b -> assertThat(b.inputs().get("x").shape()).containsExactly(2, 3, 4, 8));
        }
    }
}
