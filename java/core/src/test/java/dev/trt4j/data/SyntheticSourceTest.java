package dev.trt4j.data;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SyntheticSourceTest {
    private static final TensorSpec IMAGE = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, 8, 8}, null);
    private static final TensorSpec IDS = new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1}, null);
    private static final TensorSpec MASK = new TensorSpec("attention_mask", ElementType.INT64, new long[] {-1, -1},
            null);
    private static final TensorSpec TYPES = new TensorSpec("token_type_ids", ElementType.INT32, new long[] {-1, -1},
            null);

    @Test
    void sameSeedSameDataOtherSeedOtherData() {
        DataOptions o = DataOptions.builder().batchSize(2).maxSamples(4).seed(11).build();
        List<Batch> a = Batches.drain(new SyntheticSource(List.of(IMAGE), o));
        List<Batch> b = Batches.drain(new SyntheticSource(List.of(IMAGE), o));
        List<Batch> c = Batches.drain(new SyntheticSource(List.of(IMAGE), o.toBuilder().seed(12).build()));
        assertThat(a).extracting(Batch::size).containsExactly(2, 2);
        for (int i = 0; i < 2; i++) {
            assertThat(a.get(i).inputs().get("x").floats()).containsExactly(b.get(i).inputs().get("x").floats());
            assertThat(a.get(i).inputs().get("x").floats()).isNotEqualTo(c.get(i).inputs().get("x").floats());
        }
        for (float v : a.get(0).inputs().get("x").floats()) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    @Test
    void defaultsToAFixedNumberOfSamples() {
        SyntheticSource s = new SyntheticSource(List.of(IMAGE), DataOptions.builder().batchSize(4).build());
        assertThat(s.sampleCount()).contains((long) DataOptions.DEFAULT_SYNTHETIC_SAMPLES);
        assertThat(Batches.drain(s)).hasSize(DataOptions.DEFAULT_SYNTHETIC_SAMPLES / 4);
    }

    @Test
    void normalFloatsHaveMeanZeroAndUnitSpread() {
        DataOptions o = DataOptions.builder().batchSize(64).maxSamples(64)
                .distribution(SyntheticSource.Distribution.NORMAL).build();
        float[] v = new SyntheticSource(List.of(IMAGE), o).next().orElseThrow().inputs().get("x").floats();
        double mean = 0;
        double sq = 0;
        for (float f : v) {
            mean += f;
            sq += f * f;
        }
        mean /= v.length;
        assertThat(mean).isCloseTo(0, within(0.05));
        assertThat(Math.sqrt(sq / v.length - mean * mean)).isCloseTo(1, within(0.05));
    }

    @Test
    void textInputsGetIdsBelowVocabOnesMaskAndZeroTypes() {
        DataOptions o = DataOptions.builder().batchSize(3).maxSamples(3).vocabSize(50)
                .fixedShapes("input_ids:3x16,attention_mask:3x16,token_type_ids:3x16").build();
        Batch b = new SyntheticSource(List.of(IDS, MASK, TYPES), o).next().orElseThrow();
        assertThat(b.inputs().get("input_ids").shape()).containsExactly(3, 16);
        long[] ids = b.inputs().get("input_ids").longs();
        assertThat(java.util.Arrays.stream(ids).min().orElseThrow()).isGreaterThanOrEqualTo(0);
        assertThat(java.util.Arrays.stream(ids).max().orElseThrow()).isBetween(10L, 49L);
        assertThat(b.inputs().get("attention_mask").longs()).containsOnly(1L);
        assertThat(b.inputs().get("token_type_ids").ints()).containsOnly(0);
    }

    @Test
    void aTextModelsOpenSequenceLengthAsksForTheTokenizerFirst() {
        assertThatThrownBy(() -> new SyntheticSource(List.of(IDS, MASK), DataOptions.defaults()))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("synthetic data: text model input 'input_ids' [?,?] has an open sequence length; give "
                        + "--tokenizer tokenizer.json to feed it sentences (--data FILE.txt, or the bundled ones "
                        + "without --data), or --shapes input_ids:8xN for random token ids");
    }

    @Test
    void dynamicDimsNeedFixedShapes() {
        TensorSpec image = new TensorSpec("x", ElementType.FLOAT32, new long[] {-1, 3, -1, -1}, null);
        assertThatThrownBy(() -> new SyntheticSource(List.of(image), DataOptions.defaults()))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("synthetic data: model input 'x' [?,3,?,?] has dynamic dimension 2, which the data "
                        + "does not fix; give a fixed shape (--shapes), e.g. x:8x3xNxN");
    }

    /** An engine refuses a bool input of 2 and an int8 input of 200: generated values must fit one-byte inputs. */
    @Test
    void oneByteInputsGetValuesTheyHold() {
        SyntheticValues values = new SyntheticValues(3, SyntheticSource.Distribution.UNIFORM, 1000);
        long[] shape = {4096};
        int[] bools = values.tensor(new TensorSpec("mask", ElementType.BOOL, shape, null), shape).ints();
        int[] int8 = values.tensor(new TensorSpec("q", ElementType.INT8, shape, null), shape).ints();
        int[] uint8 = values.tensor(new TensorSpec("px", ElementType.UINT8, shape, null), shape).ints();
        assertThat(IntStream.of(bools).distinct().sorted().toArray()).containsExactly(0, 1);
        assertThat(IntStream.of(int8).min().orElseThrow()).isZero();
        assertThat(IntStream.of(int8).max().orElseThrow()).isEqualTo(127);
        assertThat(IntStream.of(uint8).max().orElseThrow()).isEqualTo(255);
        long[] ids = values.tensor(new TensorSpec("ids", ElementType.INT64, shape, null), shape).longs();
        assertThat(LongStream.of(ids).max().orElseThrow()).isGreaterThan(255);
    }
}
