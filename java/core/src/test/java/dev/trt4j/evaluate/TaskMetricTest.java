package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TaskMetricTest {

    private static Batch batch(int size) {
        return new Batch(size, Map.of("x", HostTensor.ofFloats(new long[] {size, 1}, new float[size])));
    }

    private static Map<String, HostTensor> out(String name, long[] shape, float... values) {
        return Map.of(name, HostTensor.ofFloats(shape, values));
    }

    @Test
    void classificationAccuracyOfBothModelsAcrossBatches() {
        TaskMetric metric = ClassificationAccuracy.ofTextDirection("p", List.of(0, 180, 180, 0));
        TaskMetric.Tally tally = metric.start();
        long[] two = {2, 2};
        tally.add(batch(2), 0, out("p", two, 0.9f, 0.1f, 0.2f, 0.8f), out("p", two, 0.6f, 0.4f, 0.7f, 0.3f));
        tally.add(batch(2), 2, out("p", two, 0.4f, 0.6f, 0.3f, 0.7f), out("p", two, 0.9f, 0.1f, 0.8f, 0.2f));

        TaskResult r = tally.result();
        assertThat(r.samples()).isEqualTo(4);
        assertThat(r.referenceScore()).as("wrong on the last sample only").isEqualTo(0.75);
        assertThat(r.candidateScore()).as("wrong on samples 1 and 2").isEqualTo(0.5);
        assertThat(r.higherIsBetter()).isTrue();
        assertThat(metric.start().result().samples()).as("a new tally starts from nothing").isZero();
    }

    @Test
    void classificationNeedsALabelForEverySample() {
        TaskMetric.Tally tally = new ClassificationAccuracy("p", List.of(1)).start();
        long[] two = {2, 2};
        assertThatThrownBy(() -> tally.add(batch(2), 0, out("p", two, new float[4]), out("p", two, new float[4])))
                .isInstanceOf(Trt4jException.class).hasMessage("sample 1 has no label (there are 1)");
    }

    @Test
    void ctcRecognitionScoresExactMatchAndCharacterErrorRateOfBothModels() {
        CtcGreedyDecoder decoder = new CtcGreedyDecoder(List.of("a", "b", "c"));
        TaskMetric metric = new CtcTextRecognition("y", decoder, List.of("abc", "cab"));
        long[] shape = {2, 4, 5};
        float[] reference = concat(CtcGreedyDecoderTest.logits(5, 1, 2, 3, 0),
                CtcGreedyDecoderTest.logits(5, 3, 1, 2, 2));
        float[] candidate = concat(CtcGreedyDecoderTest.logits(5, 1, 1, 3, 0),
                CtcGreedyDecoderTest.logits(5, 3, 1, 0, 0));
        TaskMetric.Tally tally = metric.start();
        tally.add(batch(2), 0, out("y", shape, reference), out("y", shape, candidate));

        TaskResult r = tally.result();
        assertThat(r.reference()).containsEntry("exactMatch", 1.0).containsEntry("characterErrorRate", 0.0);
        // "ac" for "abc" (1 edit), "ca" for "cab" (1 edit): 2 edits over 6 characters
        assertThat(r.candidate()).containsEntry("exactMatch", 0.0);
        assertThat(r.candidate().get("characterErrorRate")).isCloseTo(2.0 / 6, within(1e-12));
        assertThat(r.primary()).isEqualTo("exactMatch");
    }

    private static float[] concat(float[] a, float[] b) {
        float[] x = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, x, a.length, b.length);
        return x;
    }

    @Test
    void embeddingCosinePoolsOnlyMaskedTokens() {
        // two sentences, 3 tokens, 2 dims; sentence 0 has one padding token whose values differ wildly
        long[] shape = {2, 3, 2};
        float[] reference = {1, 0, 3, 0, /* pad */ 100, 100, /* s1 */ 1, 1, 1, 1, 1, 1};
        float[] candidate = {2, 0, 2, 0, /* pad */ -50, 7, /* s1 */ 0, 1, 0, 1, 0, 1};
        Batch batch = new Batch(2, Map.of("input_ids", HostTensor.ofLongs(new long[] {2, 3}, new long[6]),
                EmbeddingCosine.ATTENTION_MASK, HostTensor.ofLongs(new long[] {2, 3}, new long[] {1, 1, 0, 1, 1, 1})));
        TaskMetric.Tally tally = new EmbeddingCosine("h").start();
        tally.add(batch, 0, out("h", shape, reference), out("h", shape, candidate));

        TaskResult r = tally.result();
        double second = 1 / Math.sqrt(2); // (1,1) against (0,1)
        assertThat(r.candidate().get("minCosine")).isCloseTo(second, within(1e-6));
        assertThat(r.candidate().get("meanCosine")).as("sentence 0 pools to (2,0) in both").isCloseTo((1 + second) / 2,
                within(1e-6));
        assertThat(r.referenceScore()).isEqualTo(1.0);
    }

    @Test
    void clsPoolingReadsTheFirstTokenOnly() {
        // Same tensors as above: the first tokens are (1,0)/(2,0) and (1,1)/(0,1), whatever follows them.
        long[] shape = {2, 3, 2};
        float[] reference = {1, 0, 3, 0, 100, 100, 1, 1, 1, 1, 1, 1};
        float[] candidate = {2, 0, 2, 5, -50, 7, 0, 1, 9, 9, 9, 9};
        Batch batch = new Batch(2, Map.of("input_ids", HostTensor.ofLongs(new long[] {2, 3}, new long[6]),
                EmbeddingCosine.ATTENTION_MASK, HostTensor.ofLongs(new long[] {2, 3}, new long[] {1, 1, 0, 1, 1, 1})));
        TaskMetric.Tally cls = new EmbeddingCosine("h", EmbeddingPooling.CLS).start();
        TaskMetric.Tally mean = new EmbeddingCosine("h", EmbeddingPooling.MEAN).start();
        cls.add(batch, 0, out("h", shape, reference), out("h", shape, candidate));
        mean.add(batch, 0, out("h", shape, reference), out("h", shape, candidate));

        double second = 1 / Math.sqrt(2);
        assertThat(cls.result().candidate().get("meanCosine")).isCloseTo((1 + second) / 2, within(1e-6));
        assertThat(cls.result().candidate().get("minCosine")).isCloseTo(second, within(1e-6));
        assertThat(mean.result().candidate().get("meanCosine")).as("the later tokens move the mean")
                .isNotCloseTo((1 + second) / 2, within(1e-3));
    }

    @Test
    void embeddingCosineOfPooledOutputsWithoutMask() {
        TaskMetric.Tally tally = new EmbeddingCosine("e").start();
        long[] shape = {1, 2};
        tally.add(batch(1), 0, out("e", shape, 3, 4), out("e", shape, 4, 3));

        assertThat(tally.result().candidateScore()).isCloseTo(24.0 / 25, within(1e-6));
    }

    @Test
    void detectsEmbeddingsFromTheInputIds() {
        List<TensorSpec> inputs = List.of(new TensorSpec("input_ids", ElementType.INT64, new long[] {-1, -1},
                Arrays.asList(null, null)));
        List<TensorSpec> outputs = List.of(
                new TensorSpec("pooled", ElementType.FLOAT32, new long[] {-1, 384}, Arrays.asList(null, null)),
                new TensorSpec("last_hidden_state", ElementType.FLOAT32, new long[] {-1, -1, 384},
                        Arrays.asList(null, null, null)));

        Optional<TaskMetric> m = TaskMetricFactory.detect(inputs, outputs, null, List.of());

        assertThat(m).get().hasToString("embedding cosine of 'last_hidden_state'");
        assertThat(TaskMetricFactory.detect(inputs, outputs, null, List.of(), EmbeddingPooling.CLS)).get()
                .hasToString("embedding cosine of 'last_hidden_state' (first token)");
        assertThat(EmbeddingPooling.find(" CLS ")).contains(EmbeddingPooling.CLS);
        assertThat(EmbeddingPooling.find("max")).isEmpty();
    }

    @Test
    void unknownTaskNameListsTheKnownOnes() {
        assertThat(TaskKind.parse("CTC")).isEqualTo(TaskKind.CTC);
        // The names the metrics print in reports are accepted as well.
        assertThat(TaskKind.parse("ctc-text")).isEqualTo(TaskKind.CTC);
        assertThat(TaskKind.parse("embedding-cosine")).isEqualTo(TaskKind.EMBEDDING);
        assertThatThrownBy(() -> TaskKind.parse("ocr")).isInstanceOf(Trt4jException.class)
                .hasMessage("unknown task 'ocr'; known: embedding (or embedding-cosine), ctc (or ctc-text), "
                        + "classification, detection");
    }
}
