package dev.trt4j.stats;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.calibrators.TensorStatisticsCollector;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.data.StateFeedback;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.onnx.TestGraph;
import dev.trt4j.onnx.TestModels;
import dev.trt4j.ort.GraphOptimization;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ActivationStatisticsCollectorTest {
    private static final StatisticsOptions OPTIONS = StatisticsOptions.defaults().withThreads(1);

    @TempDir
    Path dir;

    @Test
    void statisticsMatchLayerOutputsComputedDirectly() {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        List<Batch> batches = randomBatches(new Random(11), 4, 4, 2);
        // the same statistics, from the layers computed in Java
        Map<String, TensorStatisticsCollector> expected = Map.of(
                "x", new TensorStatisticsCollector("x", 2048, false),
                "h", new TensorStatisticsCollector("h", 2048, false),
                "r", new TensorStatisticsCollector("r", 2048, false),
                "y", new TensorStatisticsCollector("y", 2048, false));
        for (Batch b : batches) {
            float[] x = b.inputs().get("x").floats();
            float[] h = matMul(x, TestModels.MLP_W1, b.size(), 4, 3);
            float[] r = h.clone();
            for (int i = 0; i < r.length; i++) {
                r[i] = Math.max(r[i], 0f);
            }
            expected.get("x").collect(x, 0, x.length);
            expected.get("h").collect(h, 0, h.length);
            expected.get("r").collect(r, 0, r.length);
            float[] y = matMul(r, TestModels.MLP_W2, b.size(), 3, 2);
            expected.get("y").collect(y, 0, y.length);
        }

        ActivationStatistics stats = new ActivationStatisticsCollector(model, model.allActivationTensors(), OPTIONS)
                .collect(source(batches, true));

        assertThat(stats.tensors().keySet()).containsExactly("x", "h", "r", "y");
        assertThat(stats.samples()).isEqualTo(10);
        assertThat(stats.batches()).isEqualTo(3);
        assertThat(stats.modelSha256()).isEqualTo(model.sha256());
        assertThat(stats.dataDescription()).isEqualTo("test batches");
        // the graph input is read from the data itself: identical
        assertThat(stats.tensor("x")).contains(expected.get("x").statistics());
        for (String name : List.of("h", "r", "y")) {
            TensorStatistics want = expected.get(name).statistics();
            TensorStatistics got = stats.tensor(name).orElseThrow();
            assertThat(got.count()).as(name).isEqualTo(want.count());
            assertThat(got.absMax()).as(name).isCloseTo(want.absMax(), within(1e-5f * want.absMax()));
            assertThat(got.histogram().total()).as(name).isEqualTo(want.histogram().total());
        }
    }

    @Test
    void fusedOperatorsStillExposeEveryChosenTensor() {
        // ONNX Runtime fuses MatMul + Add (+ Relu) at the level the pass runs at; h and hb must survive as outputs
        float[] bias = {0.5f, -1f, 2f};
        ModelProto proto = new TestGraph()
                .input("x", TestGraph.FLOAT, -1, 4)
                .initializer("w", new long[] {4, 3}, TestModels.MLP_W1)
                .initializer("b", new long[] {3}, bias)
                .node("MatMul", List.of("x", "w"), List.of("h"))
                .node("Add", List.of("h", "b"), List.of("hb"))
                .node("Relu", List.of("hb"), List.of("y"))
                .output("y", TestGraph.FLOAT, -1, 3)
                .build(13);
        OnnxModel model = OnnxModel.fromProto(proto, dir.resolve("fusable.onnx"));
        List<Batch> batches = randomBatches(new Random(8), 5, 3);
        TensorStatisticsCollector h = new TensorStatisticsCollector("h", 2048, false);
        TensorStatisticsCollector hb = new TensorStatisticsCollector("hb", 2048, false);
        for (Batch b : batches) {
            float[] product = matMul(b.inputs().get("x").floats(), TestModels.MLP_W1, b.size(), 4, 3);
            h.collect(product, 0, product.length);
            float[] biased = product.clone();
            for (int i = 0; i < biased.length; i++) {
                biased[i] += bias[i % 3];
            }
            hb.collect(biased, 0, biased.length);
        }

        ActivationStatistics stats = new ActivationStatisticsCollector(model, List.of("h", "hb"), OPTIONS)
                .collect(source(batches, true));

        for (TensorStatisticsCollector want : List.of(h, hb)) {
            TensorStatistics expected = want.statistics();
            TensorStatistics got = stats.tensor(expected.name()).orElseThrow();
            assertThat(got.count()).as(expected.name()).isEqualTo(8 * 3);
            assertThat(got.absMax()).as(expected.name()).isCloseTo(expected.absMax(),
                    within(1e-5f * expected.absMax()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = BatchOverlap.class, names = {"OFF", "ON"})
    void aSessionRunsPassesFromScratchUntilClosed(BatchOverlap overlap) {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        ActivationStatisticsCollector collector = new ActivationStatisticsCollector(model,
                model.allActivationTensors(), OPTIONS.withBatchOverlap(overlap));
        List<Batch> first = randomBatches(new Random(21), 4, 4);
        List<Batch> second = randomBatches(new Random(22), 2, 6, 1);

        StatisticsSession session = collector.open();
        ActivationStatistics a = session.collect(source(first, true));
        ActivationStatistics b = session.collect(source(second, true));
        session.close();

        // each pass equals a one-shot pass over its own data: nothing carries over from the pass before
        assertThat(a.tensors()).isEqualTo(collector.collect(source(first, true)).tensors());
        assertThat(b.tensors()).isEqualTo(collector.collect(source(second, true)).tensors());
        assertThat(b.samples()).isEqualTo(9);
        CalibrationDataSource unread = source(first, true);
        assertThatThrownBy(() -> session.collect(unread)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        // refused before the source was read: its first batch is still there for another session
        assertThat(unread.next()).containsSame(first.get(0));
    }

    @Test
    void aBatchWhoseSizeDisagreesWithItsTensorsIsRefusedNamingTheInput() {
        // A source written outside trt4j said 2 samples for tensors of 4: the pass counted 2 and went on.
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        Batch four = randomBatches(new Random(23), 4).get(0);
        Batch lying = new Batch(2, four.inputs());
        long[] shape = four.inputs().get("x").shape();

        assertThatThrownBy(() -> new ActivationStatisticsCollector(model, List.of("h", "r"), OPTIONS)
                .collect(source(List.of(lying), true))).isInstanceOf(Trt4jException.class)
                .hasMessage("test batches: a batch of 2 samples holds input 'x' of shape " + Arrays.toString(shape)
                        + "; its first dimension must be the batch size");
    }

    /**
     * With one histogram worker nothing waited on a worker, so an interrupt (a cancelled job) went unnoticed and the
     * pass ran to its end.
     */
    @Test
    void anInterruptedPassStopsBetweenBatchesAndKeepsTheInterrupt() {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        ActivationStatisticsCollector collector = new ActivationStatisticsCollector(model, List.of("h"),
                OPTIONS.withHistogramThreads(1));
        CalibrationDataSource data = source(randomBatches(new Random(9), 2, 2, 2), true);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> collector.collect(data)).isInstanceOf(Trt4jException.class)
                    .hasMessage(dir.resolve("mlp.onnx") + ": interrupted while collecting activation statistics, after "
                            + "0 samples of test batches");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    /** With histogram workers the interrupt is seen while waiting for them: named as between batches, model first. */
    @Test
    void anInterruptWhileWaitingForTheHistogramWorkersNamesTheModelAndTheBatch() {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        ActivationStatisticsCollector collector = new ActivationStatisticsCollector(model, List.of("h", "r"),
                OPTIONS.withHistogramThreads(2));
        CalibrationDataSource batches = source(randomBatches(new Random(9), 2, 2, 2), true);
        CalibrationDataSource interrupting = new CalibrationDataSource() {
            private int read;

            @Override
            public Optional<Batch> next() {
                if (++read == 2) {
                    Thread.currentThread().interrupt(); // a cancel arriving as the second batch runs
                }
                return batches.next();
            }

            @Override
            public Optional<Long> sampleCount() {
                return batches.sampleCount();
            }

            @Override
            public String describe() {
                return batches.describe();
            }
        };
        try {
            assertThatThrownBy(() -> collector.collect(interrupting)).isInstanceOf(Trt4jException.class)
                    .hasMessage(dir.resolve("mlp.onnx") + ": interrupted while collecting activation statistics "
                            + "(batch 2 of test batches)");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void inputsWhoseFirstDimensionIsNoBatchAreNotHeldToTheBatchSize() {
        // A scalar gain shared by every sample, and a stream state [2,N,4] given by the data rather than fed back:
        // neither has the batch first, so a batch of 3 counts 3 samples.
        ModelProto proto = new TestGraph()
                .input("x", TestGraph.FLOAT, -1, 4)
                .input("gain", TestGraph.FLOAT)
                .node("Mul", List.of("x", "gain"), List.of("y"))
                .output("y", TestGraph.FLOAT, -1, 4)
                .build(13);
        OnnxModel scaled = OnnxModel.fromProto(proto, dir.resolve("gain.onnx"));
        Batch batch = randomBatches(new Random(7), 3).get(0);
        Map<String, HostTensor> withGain = new HashMap<>(batch.inputs());
        withGain.put("gain", HostTensor.ofFloats(new long[0], new float[] {2f}));
        OnnxModel stream = OnnxModel.fromProto(TestModels.decayingState(0.5f), dir.resolve("stream.onnx"));
        Map<String, HostTensor> withState = new HashMap<>(batch.inputs());
        withState.put("state", HostTensor.ofFloats(new long[] {2, 3, 4}, new float[24]));

        ActivationStatistics gained = new ActivationStatisticsCollector(scaled, List.of("y"), OPTIONS)
                .collect(source(List.of(new Batch(3, withGain)), true));
        ActivationStatistics zeroState = new ActivationStatisticsCollector(stream, List.of("r"), OPTIONS)
                .collect(source(List.of(new Batch(3, withState)), true));

        assertThat(gained.samples()).isEqualTo(3);
        assertThat(gained.tensor("y").orElseThrow().count()).isEqualTo(12);
        assertThat(zeroState.samples()).isEqualTo(3);
        assertThat(zeroState.tensor("r").orElseThrow().count()).isEqualTo(12);
    }

    @Test
    void aStateWhoseHiddenBatchDisagreesIsRefusedNotBroadcast() {
        // x [3,4] and state [2,1,4] share dimension N: ONNX Runtime broadcast the one-sample state over all three.
        OnnxModel stream = OnnxModel.fromProto(TestModels.decayingState(0.5f), dir.resolve("stream-n.onnx"));
        Batch batch = randomBatches(new Random(8), 3).get(0);
        Map<String, HostTensor> inputs = new HashMap<>(batch.inputs());
        inputs.put("state", HostTensor.ofFloats(new long[] {2, 1, 4}, new float[8]));

        assertThatThrownBy(() -> new ActivationStatisticsCollector(stream, List.of("r"), OPTIONS)
                .collect(source(List.of(new Batch(3, inputs)), true))).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("inputs 'x' and 'state' share dimension 'N', but the data gives it 3 and 1");
    }

    @Test
    void skipZerosLeavesReluZerosOutOfTheHistogram() {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        List<Batch> batches = randomBatches(new Random(5), 6);
        long nonZero = 0;
        for (float v : matMul(batches.get(0).inputs().get("x").floats(), TestModels.MLP_W1, 6, 4, 3)) {
            nonZero += v > 0 ? 1 : 0;
        }

        TensorStatistics r = new ActivationStatisticsCollector(model, List.of("r"), OPTIONS.withSkipZeros(true))
                .collect(source(batches, false)).tensor("r").orElseThrow();

        assertThat(r.count()).isEqualTo(18);
        assertThat(nonZero).isLessThan(18);
        assertThat(r.histogram().total()).isEqualTo(nonZero);
    }

    @Test
    void stopsAtMaxSamplesAndReportsProgress() {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        List<long[]> progress = new ArrayList<>();

        ActivationStatistics stats = new ActivationStatisticsCollector(model, List.of("x", "r"),
                OPTIONS.withMaxSamples(6)).collect(source(randomBatches(new Random(1), 4, 4, 4), true),
                (done, total) -> progress.add(new long[] {done, total}));

        assertThat(stats.samples()).isEqualTo(6);
        assertThat(stats.batches()).isEqualTo(2);
        assertThat(stats.tensor("x").orElseThrow().count()).isEqualTo(6 * 4);
        assertThat(stats.tensor("r").orElseThrow().count()).isEqualTo(6 * 3);
        assertThat(progress).containsExactly(new long[] {4, 6}, new long[] {6, 6});

        List<long[]> unknownTotal = new ArrayList<>();
        new ActivationStatisticsCollector(model, List.of("x"), OPTIONS)
                .collect(source(randomBatches(new Random(1), 2), false),
                        (done, total) -> unknownTotal.add(new long[] {done, total}));
        assertThat(unknownTotal).containsExactly(new long[] {2, -1});
    }

    @Test
    void aStreamingModelIsFedItsOwnStateFromBatchToBatch() {
        OnnxModel model = OnnxModel.fromProto(TestModels.decayingState(0.5f), dir.resolve("stream.onnx"));
        // two streams side by side, then a last batch that continues the first one only
        List<Batch> batches = randomBatches(new Random(5), 2, 2, 2, 1);
        TensorStatisticsCollector expectedR = new TensorStatisticsCollector("r", 2048, false);
        float[] state = new float[2 * 4];
        for (Batch b : batches) {
            float[] x = b.inputs().get("x").floats();
            float[] r = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                state[i] = 0.5f * state[i] + x[i];
                r[i] = state[i];  // the mean of the state's two equal rows
            }
            expectedR.collect(r, 0, r.length);
        }

        ActivationStatistics stats = new ActivationStatisticsCollector(model, List.of("r", "state"),
                OPTIONS.withFeedback(StateFeedback.parse(List.of("stateN=state")))).collect(source(batches, true));

        assertThat(stats.samples()).isEqualTo(7);
        assertThat(stats.tensor("r").orElseThrow()).isEqualTo(expectedR.statistics());
        assertThat(stats.tensor("state").orElseThrow().count()).as("the fed input is calibrated too").isEqualTo(56);
        assertThatThrownBy(() -> new ActivationStatisticsCollector(model, List.of("r"), OPTIONS)
                .collect(source(batches, true))).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("'state'");
    }

    @ParameterizedTest
    @EnumSource(value = BatchOverlap.class, names = {"OFF", "ON"})
    void aRangePassStartsEachHistogramAtTheWholeDataRange(BatchOverlap overlap) {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        List<Batch> batches = randomBatches(new Random(9), 2, 3, 3);
        float[] quiet = batches.get(0).inputs().get("x").floats();
        for (int i = 0; i < quiet.length; i++) {
            quiet[i] *= 1e-6f;  // a first batch far quieter than the rest
        }
        float max = 0;
        List<float[]> xs = new ArrayList<>();
        for (Batch b : batches) {
            float[] x = b.inputs().get("x").floats();
            xs.add(x);
            for (float v : x) {
                max = Math.max(max, Math.abs(v));
            }
        }
        TensorStatisticsCollector expected = new TensorStatisticsCollector("x", 2048, false, max);
        xs.forEach(x -> expected.collect(x, 0, x.length));
        List<long[]> progress = new ArrayList<>();

        ActivationStatistics stats = new ActivationStatisticsCollector(model, List.of("x", "h"),
                OPTIONS.withRangePass(true).withBatchOverlap(overlap)).collect(() -> source(batches, true),
                (done, total) -> progress.add(new long[] {done, total}));

        assertThat(stats.tensor("x").orElseThrow()).isEqualTo(expected.statistics());
        assertThat(stats.tensor("x").orElseThrow().histogram().numBins()).isEqualTo(2048);
        assertThat(progress).containsExactly(new long[] {2, 16}, new long[] {5, 16}, new long[] {8, 16},
                new long[] {10, 16}, new long[] {13, 16}, new long[] {16, 16});
        assertThatThrownBy(() -> new ActivationStatisticsCollector(model, List.of("x"),
                OPTIONS.withBatchOverlap(overlap)).collect(source(batches, true)))
                .hasMessageContaining("would grow the histogram");
        // a run that needs only max |x| keeps it exact instead, and says why the histogram is gone
        TensorStatistics maxOnly = new ActivationStatisticsCollector(model, List.of("x"),
                OPTIONS.withBatchOverlap(overlap).withHistogramsOptional(true)).collect(source(batches, true))
                .tensor("x").orElseThrow();
        assertThat(maxOnly.absMax()).isEqualTo(max);
        assertThat(maxOnly.count()).isEqualTo(expected.statistics().count());
        assertThat(maxOnly.histogram()).isNull();
        assertThat(maxOnly.droppedBecause()).contains("would grow the histogram");
        assertThat(stats.dataDescription()).isEqualTo("test batches, histograms started at the data's range (range "
                + "pass)");

        Iterator<List<Batch>> changing = List.of(batches, batches.subList(0, 2)).iterator();
        assertThatThrownBy(() -> new ActivationStatisticsCollector(model, List.of("x"), OPTIONS.withRangePass(true))
                .collect(() -> source(changing.next(), true), ProgressListener.NONE))
                .isInstanceOf(Trt4jException.class)
                .hasMessage("test batches: the range pass read 8 samples but the second pass 5; the data changed "
                        + "between the passes");
    }

    @Test
    void nonFiniteDataIsReportedByInputNotByTheActivationItPoisons() {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        List<Batch> batches = randomBatches(new Random(2), 2, 2);
        batches.get(1).inputs().get("x").floats()[5] = Float.NaN;

        assertThatThrownBy(() -> new ActivationStatisticsCollector(model, List.of("h", "r"), OPTIONS)
                .collect(source(batches, true))).isInstanceOf(Trt4jException.class)
                .hasMessage("test batches: sample 3 holds NaN in input 'x' (value 1 of the sample); the model needs "
                        + "finite inputs");
    }

    @Test
    void dataThatLeavesEveryTensorAtZeroIsRefused() {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        List<Batch> silent = List.of(new Batch(2, Map.of("x", HostTensor.ofFloats(new long[] {2, 4}, new float[8]))));

        assertThatThrownBy(() -> new ActivationStatisticsCollector(model, model.allActivationTensors(), OPTIONS)
                .collect(source(silent, true))).isInstanceOf(Trt4jException.class)
                .hasMessage("test batches: every calibrated tensor is 0 on these 2 samples (silent audio? blank "
                        + "images?); calibrate on representative data");
    }

    @Test
    void fillingHistogramsOnWorkerThreadsGivesTheSameStatistics() {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        List<Batch> batches = randomBatches(new Random(3), 5, 3, 8, 1);

        ActivationStatistics inline = new ActivationStatisticsCollector(model, model.allActivationTensors(), OPTIONS)
                .collect(source(batches, true));
        ActivationStatistics parallel = new ActivationStatisticsCollector(model, model.allActivationTensors(),
                OPTIONS.withThreads(3)).collect(source(batches, true));
        ActivationStatistics ownWorkers = new ActivationStatisticsCollector(model, model.allActivationTensors(),
                OPTIONS.withHistogramThreads(4)).collect(source(batches, true));

        assertThat(parallel.tensors()).isEqualTo(inline.tensors());
        assertThat(ownWorkers.tensors()).isEqualTo(inline.tensors());
    }

    /** Growing ranges over many equal batches: a batch binned after the next run overwrote it would show. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void binningOneBatchWhileTheNextRunsGivesTheSameStatistics(int workers) {
        OnnxModel model = OnnxModel.fromProto(TestModels.mlp(), dir.resolve("mlp.onnx"));
        List<Batch> batches = randomBatches(new Random(8), 4, 4, 4, 4, 4, 4, 2, 4);
        for (int k = 0; k < batches.size(); k++) {
            float[] x = batches.get(k).inputs().get("x").floats();
            for (int i = 0; i < x.length; i++) {
                x[i] *= 1 + k;
            }
        }

        ActivationStatistics serial = new ActivationStatisticsCollector(model, model.allActivationTensors(),
                OPTIONS.withHistogramThreads(workers).withBatchOverlap(BatchOverlap.OFF))
                .collect(source(batches, true));
        ActivationStatistics overlapped = new ActivationStatisticsCollector(model, model.allActivationTensors(),
                OPTIONS.withHistogramThreads(workers).withBatchOverlap(BatchOverlap.ON)).collect(source(batches, true));

        assertThat(overlapped.tensors()).isEqualTo(serial.tensors());
        assertThat(overlapped.samples()).isEqualTo(30);
        assertThat(overlapped.batches()).isEqualTo(8);
    }

    @Test
    void aStreamingModelGetsTheSameStatisticsWithBatchesOverlapped() {
        OnnxModel model = OnnxModel.fromProto(TestModels.decayingState(0.5f), dir.resolve("stream.onnx"));
        List<Batch> batches = randomBatches(new Random(6), 2, 2, 2, 2, 1);
        StatisticsOptions streams = OPTIONS.withFeedback(StateFeedback.parse(List.of("stateN=state")))
                .withBatchOverlap(BatchOverlap.OFF);

        ActivationStatistics serial = new ActivationStatisticsCollector(model, List.of("r", "state"), streams)
                .collect(source(batches, true));
        ActivationStatistics overlapped = new ActivationStatisticsCollector(model, List.of("r", "state"),
                streams.withBatchOverlap(BatchOverlap.ON)).collect(source(batches, true));

        assertThat(overlapped.tensors()).isEqualTo(serial.tensors());
    }

    /** With batches overlapped, a tensor's failure surfaces after the next batch ran: it still names its own. */
    @Test
    void aFailureFoundWhileTheNextBatchRunsNamesItsOwnBatch() {
        OnnxModel model = sqrtModel();
        List<Batch> batches = new ArrayList<>();
        for (float second : new float[] {1f, 2f, -1f, 3f}) {
            batches.add(new Batch(1, Map.of("x", HostTensor.ofFloats(new long[] {1, 2}, new float[] {4f, second}))));
        }

        assertThatThrownBy(() -> new ActivationStatisticsCollector(model, List.of("root"),
                OPTIONS.withHistogramThreads(2).withBatchOverlap(BatchOverlap.ON)).collect(source(batches, false)))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("tensor 'root'")
                .hasMessageContaining("NaN").hasMessageContaining("(batch 3 of test batches)")
                .hasMessageNotContaining("batch 4");
    }

    /**
     * The next batch failing too (here its input holds NaN) must not hide the failure of the batch still being
     * binned: the first failing batch is reported, as between runs.
     */
    @ParameterizedTest
    @EnumSource(value = BatchOverlap.class, names = {"OFF", "ON"})
    void theFirstFailingBatchIsReportedWhenTheNextOneFailsToo(BatchOverlap overlap) {
        OnnxModel model = sqrtModel();
        List<Batch> batches = new ArrayList<>();
        for (float second : new float[] {1f, 2f, -1f, Float.NaN, 3f}) {
            batches.add(new Batch(1, Map.of("x", HostTensor.ofFloats(new long[] {1, 2}, new float[] {4f, second}))));
        }

        assertThatThrownBy(() -> new ActivationStatisticsCollector(model, List.of("root"),
                OPTIONS.withHistogramThreads(2).withBatchOverlap(overlap)).collect(source(batches, false)))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("tensor 'root'")
                .hasMessageContaining("(batch 3 of test batches)").hasMessageNotContaining("input 'x'");
    }

    @Test
    void batchesOverlapByDefaultOnlyOnManyProcessorsWithRoomForASecondBatch() {
        long gib = 1L << 30;
        assertThat(StatisticsOptions.defaults().batchOverlap()).isEqualTo(BatchOverlap.AUTO);
        assertThat(BatchOverlap.AUTO.overlaps(2, 1 << 20, 8 * gib)).isFalse();
        assertThat(BatchOverlap.AUTO.overlaps(16, 1 << 20, 8 * gib)).isTrue();
        assertThat(BatchOverlap.AUTO.overlaps(16, gib, 4 * gib)).as("a quarter of the heap").isTrue();
        assertThat(BatchOverlap.AUTO.overlaps(16, gib + 1, 4 * gib)).isFalse();
        assertThat(BatchOverlap.AUTO.mayOverlap(16)).isTrue();
        assertThat(BatchOverlap.ON.overlaps(1, 8 * gib, gib)).isTrue();
        assertThat(BatchOverlap.OFF.overlaps(64, 1, 8 * gib)).isFalse();
        assertThat(BatchOverlap.OFF.mayOverlap(64)).isFalse();
        assertThat(OPTIONS.withBatchOverlap(BatchOverlap.ON).withThreads(3).withMaxSamples(7).batchOverlap())
                .isEqualTo(BatchOverlap.ON);
        assertThatThrownBy(() -> OPTIONS.withBatchOverlap(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void histogramWorkersFollowThreadsUnlessSetApart() {
        assertThat(OPTIONS.histogramWorkers()).isEqualTo(1);
        assertThat(OPTIONS.withHistogramThreads(5).histogramWorkers()).isEqualTo(5);
        assertThat(OPTIONS.withHistogramThreads(5).threads()).isEqualTo(1);
        assertThat(StatisticsOptions.defaults().histogramWorkers())
                .isEqualTo(Math.min(Runtime.getRuntime().availableProcessors(), 8));
        // One per processor on small machines, capped on large ones; an explicit count is never capped.
        assertThat(StatisticsOptions.defaults().histogramWorkers(2)).isEqualTo(2);
        assertThat(StatisticsOptions.defaults().histogramWorkers(16)).isEqualTo(8);
        assertThat(StatisticsOptions.defaults().withThreads(16).histogramWorkers(16)).isEqualTo(16);
        assertThat(StatisticsOptions.defaults().withHistogramThreads(12).histogramWorkers(16)).isEqualTo(12);
        assertThat(OPTIONS.withHistogramThreads(5).withNumBins(64).withMaxSamples(7).histogramThreads()).isEqualTo(5);
        assertThatThrownBy(() -> OPTIONS.withHistogramThreads(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("histogram-threads must be 0");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void reportsNonFiniteActivationsByTensor(int threads) {
        OnnxModel model = sqrtModel();
        Batch negative = new Batch(1, Map.of("x", HostTensor.ofFloats(new long[] {1, 2}, new float[] {4f, -1f})));

        assertThatThrownBy(() -> new ActivationStatisticsCollector(model, List.of("root", "y"),
                OPTIONS.withThreads(threads)).collect(source(List.of(negative), false))).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("tensor 'root'").hasMessageContaining("NaN").hasMessageContaining("batch 1")
                .hasMessageNotContaining("\n");
    }

    @Test
    void reportsBatchesTheModelCannotTake() {
        ModelProto proto = new TestGraph()
                .input("x", TestGraph.FLOAT, 1, 4)
                .initializer("w", new long[] {4, 3}, TestModels.MLP_W1)
                .node("MatMul", List.of("x", "w"), List.of("y"))
                .output("y", TestGraph.FLOAT, 1, 3)
                .build(13);
        OnnxModel model = OnnxModel.fromProto(proto, dir.resolve("fixed.onnx"));

        assertThatThrownBy(() -> new ActivationStatisticsCollector(model, List.of("y"), OPTIONS)
                .collect(source(randomBatches(new Random(2), 2), false))).isInstanceOf(Trt4jException.class)
                .hasMessageContaining("input 'x' expects shape [1,4] but the data has [2,4]")
                .hasMessageContaining("batch 1");
    }

    @Test
    void rejectsTensorsThatCannotBeCalibratedAndEmptyData() {
        OnnxModel conv = OnnxModel.fromProto(TestModels.convNet(), dir.resolve("conv.onnx"));
        assertThatThrownBy(() -> new ActivationStatisticsCollector(conv, List.of("shape"), OPTIONS))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("'shape' is INT64");
        assertThatThrownBy(() -> new ActivationStatisticsCollector(conv, List.of("nope"), OPTIONS))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("no tensor named 'nope'");
        assertThatThrownBy(() -> new ActivationStatisticsCollector(conv, List.of(), OPTIONS))
                .isInstanceOf(Trt4jException.class).hasMessageContaining("no tensors");
        assertThatThrownBy(() -> new ActivationStatisticsCollector(conv, List.of("c"), OPTIONS)
                .collect(source(List.of(), false))).isInstanceOf(Trt4jException.class)
                .hasMessage("test batches: the data holds no samples to calibrate with");
    }

    @Test
    void blockedConvolutionsExposeTheSameTensorsAsAnUnoptimisedGraph() {
        // The pass lets ONNX Runtime run the classifier's convolutions in its blocked NCHWc layout, which has to
        // convert each exposed tensor back. Reference: the same tensors from a session with no optimisation at all.
        OnnxModel model = OnnxModel.load(TestModels.ppocrClassifier(dir));
        List<String> tensors = model.quantizableActivationTensors().stream().filter(t -> !t.equals("x")).toList();
        Random random = new Random(5);
        List<Batch> batches = List.of(imageBatch(random, 2), imageBatch(random, 3));
        Map<String, TensorStatisticsCollector> expected = new java.util.LinkedHashMap<>();
        tensors.forEach(t -> expected.put(t, new TensorStatisticsCollector(t, 2048, false)));
        try (OrtModelRunner reference = OrtModelRunner.open(model.withExtraOutputs(tensors), "cls",
                OrtRunnerOptions.defaults().withOptimization(GraphOptimization.NONE).withIntraOpThreads(1))) {
            for (Batch b : batches) {
                reference.runInPlace(b, tensors, (name, shape, values) -> expected.get(name).collect(values));
            }
        }

        ActivationStatistics stats = new ActivationStatisticsCollector(model, tensors, OPTIONS)
                .collect(source(batches, true));

        for (TensorStatisticsCollector want : expected.values()) {
            TensorStatistics e = want.statistics();
            TensorStatistics got = stats.tensor(e.name()).orElseThrow();
            assertThat(got.count()).as(e.name()).isEqualTo(e.count());
            // blocked kernels sum in another order: values move by rounding only, so few cross a bin edge
            assertThat(got.absMax()).as(e.name()).isCloseTo(e.absMax(), within(1e-4f * e.absMax()));
            long[] want2 = e.histogram().counts();
            long[] got2 = got.histogram().counts();
            assertThat(got2).as(e.name()).hasSameSizeAs(want2);
            long moved = 0;
            for (int k = 0; k < want2.length; k++) {
                moved += Math.abs(got2[k] - want2[k]);
            }
            // about 0.1 % of the values change bins here; a layout left blocked or padded would move most of them
            assertThat(moved).as(e.name()).isLessThanOrEqualTo(Math.max(4, e.count() / 200));
        }
    }

    @Test
    void collectsEveryQuantizableTensorOfThePaddleOcrClassifier() {
        OnnxModel model = OnnxModel.load(TestModels.ppocrClassifier(dir));
        List<String> tensors = model.quantizableActivationTensors();
        Random random = new Random(42);
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batches.add(imageBatch(random, 2));
        }
        // elements per batch of each tensor, from one separate run of the augmented model
        Map<String, Long> perBatch = new java.util.HashMap<>();
        List<String> produced = tensors.stream().filter(t -> !t.equals("x")).toList();
        try (OrtModelRunner runner = OrtModelRunner.open(model.withExtraOutputs(produced), "cls",
                OrtRunnerOptions.defaults().withIntraOpThreads(1))) {
            runner.run(imageBatch(new Random(0), 2), produced, (name, t) -> perBatch.put(name, t.elementCount()));
        }
        perBatch.put("x", 2L * 3 * 48 * 192);

        ActivationStatistics stats = new ActivationStatisticsCollector(model, tensors, OPTIONS.withThreads(2)
                .withBatchOverlap(BatchOverlap.OFF)).collect(source(batches, true));
        ActivationStatistics overlapped = new ActivationStatisticsCollector(model, tensors, OPTIONS.withThreads(2)
                .withBatchOverlap(BatchOverlap.ON)).collect(source(batches, true));

        assertThat(overlapped.tensors()).as("binning each batch while the next one runs").isEqualTo(stats.tensors());
        assertThat(stats.samples()).isEqualTo(16);
        assertThat(stats.tensors().keySet()).containsExactlyElementsOf(tensors);
        for (String name : tensors) {
            TensorStatistics t = stats.tensor(name).orElseThrow();
            assertThat(t.histogram()).as(name).isNotNull();
            assertThat(t.count()).as(name).isEqualTo(perBatch.get(name) * 8);
            assertThat(t.histogram().total()).as(name).isEqualTo(t.count());
        }
    }

    private static Batch imageBatch(Random random, int n) {
        float[] data = new float[n * 3 * 48 * 192];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat() * 2f - 1f;
        }
        return new Batch(n, Map.of("x", HostTensor.ofFloats(new long[] {n, 3, 48, 192}, data)));
    }

    /** root = sqrt(x), NaN for a negative x; y = relu(root). */
    private OnnxModel sqrtModel() {
        ModelProto proto = new TestGraph()
                .input("x", TestGraph.FLOAT, -1, 2)
                .node("Sqrt", List.of("x"), List.of("root"))
                .node("Relu", List.of("root"), List.of("y"))
                .output("y", TestGraph.FLOAT, -1, 2)
                .build(13);
        return OnnxModel.fromProto(proto, dir.resolve("sqrt.onnx"));
    }

    private static List<Batch> randomBatches(Random random, int... sizes) {
        List<Batch> batches = new ArrayList<>();
        for (int n : sizes) {
            float[] x = new float[n * 4];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian() * 2f;
            }
            batches.add(new Batch(n, Map.of("x", HostTensor.ofFloats(new long[] {n, 4}, x))));
        }
        return batches;
    }

    private static float[] matMul(float[] a, float[] b, int rows, int inner, int cols) {
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float acc = 0;
                for (int k = 0; k < inner; k++) {
                    acc += a[i * inner + k] * b[k * cols + j];
                }
                out[i * cols + j] = acc;
            }
        }
        return out;
    }

    private static CalibrationDataSource source(List<Batch> batches, boolean knowsCount) {
        Iterator<Batch> it = batches.iterator();
        long count = batches.stream().mapToLong(Batch::size).sum();
        return new CalibrationDataSource() {
            @Override
            public Optional<Batch> next() {
                return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
            }

            @Override
            public Optional<Long> sampleCount() {
                return knowsCount ? Optional.of(count) : Optional.empty();
            }

            @Override
            public String describe() {
                return "test batches";
            }
        };
    }
}
