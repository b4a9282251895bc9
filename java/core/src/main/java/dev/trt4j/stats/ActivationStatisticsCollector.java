package dev.trt4j.stats;

import dev.trt4j.Trt4jException;
import dev.trt4j.calibrators.CalibrationException;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.calibrators.TensorStatisticsCollector;
import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.ort.OrtModelRunner;
import dev.trt4j.ort.OrtRunnerOptions;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the FP32 model with ONNX Runtime over calibration data and gathers, in one pass, the statistics every
 * calibration method needs for each chosen tensor (histogram of |x| and max |x|, see
 * {@link TensorStatisticsCollector}).
 *
 * <p>The chosen tensors are exposed as extra graph outputs; graph inputs are read straight from the data. ONNX
 * Runtime writes the outputs into buffers reused from batch to batch, and each is folded into its statistics where
 * it lies (no heap copy), so memory stays bounded by one batch whatever the data size. The model runs without graph optimisations, node by node as
 * written, like ONNX Runtime's own calibrator. Histograms are filled on {@link StatisticsOptions#threads()} worker
 * threads while ONNX Runtime's next outputs are converted.
 *
 * <p>Not thread-safe; the caller owns and closes the data source.
 */
public final class ActivationStatisticsCollector {
    private static final Logger LOG = LoggerFactory.getLogger(ActivationStatisticsCollector.class);

    private final OnnxModel model;
    private final List<String> tensors;
    private final StatisticsOptions options;

    /**
     * @param model       the FP32 model
     * @param tensorNames tensors to calibrate, e.g. {@link OnnxModel#quantizableActivationTensors()}
     * @throws Trt4jException if the list is empty, or a name is not a float32/float16 tensor of the model
     */
    public ActivationStatisticsCollector(OnnxModel model, List<String> tensorNames, StatisticsOptions options) {
        this.model = model;
        this.options = options;
        Set<String> distinct = new LinkedHashSet<>(tensorNames);
        if (distinct.isEmpty()) {
            throw new Trt4jException(model.path() + ": no tensors to calibrate");
        }
        for (String name : distinct) {
            if (!model.hasTensor(name)) {
                throw new Trt4jException(model.path() + ": no tensor named '" + name + "'");
            }
            if (!model.isFloatTensor(name)) {
                throw new Trt4jException(model.path() + ": tensor '" + name + "' is "
                        + model.elementTypeName(name).orElse("of unknown type")
                        + "; only FLOAT and FLOAT16 tensors can be calibrated");
            }
        }
        this.tensors = List.copyOf(distinct);
    }

    /** Runs the pass without reporting progress. */
    public ActivationStatistics collect(CalibrationDataSource source) {
        return collect(source, ProgressListener.NONE);
    }

    /**
     * Runs the model over {@code source} (up to {@link StatisticsOptions#maxSamples()} samples) and returns the
     * statistics of every chosen tensor.
     *
     * @throws Trt4jException if the data delivers no samples, a batch does not fit the model, a tensor holds NaN or
     *                        infinity, or a tensor produced no values; each message is one line naming the tensor
     *                        or input
     */
    public ActivationStatistics collect(CalibrationDataSource source, ProgressListener listener) {
        Set<String> graphInputs = new LinkedHashSet<>();
        for (TensorSpec input : model.inputs()) {
            graphInputs.add(input.name());
        }
        List<String> fromInputs = tensors.stream().filter(graphInputs::contains).toList();
        List<String> fromOutputs = tensors.stream().filter(t -> !graphInputs.contains(t)).toList();
        Map<String, TensorStatisticsCollector> collectors = new LinkedHashMap<>();
        for (String name : tensors) {
            collectors.put(name, new TensorStatisticsCollector(name, options.numBins(), options.skipZeros()));
        }
        long limit = options.maxSamples() > 0 ? options.maxSamples() : Long.MAX_VALUE;
        long total = source.sampleCount().map(n -> Math.min(n, limit)).orElse(-1L);
        long samples = 0;
        long batches = 0;
        byte[] augmented = model.withExtraOutputs(fromOutputs);
        OrtRunnerOptions runnerOptions = new OrtRunnerOptions(options.threads(), false);
        int workers = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        try (OrtModelRunner runner = OrtModelRunner.open(augmented, model.path().toString(), runnerOptions);
             ConcurrentCollectors folding = new ConcurrentCollectors(workers)) {
            Optional<Batch> next;
            while (samples < limit && (next = source.next()).isPresent()) {
                Batch batch = next.get();
                if (samples + batch.size() > limit) {
                    batch = firstSamples(batch, (int) (limit - samples));
                }
                batches++;
                try {
                    for (String name : fromInputs) {
                        folding.collect(collectors.get(name), floats(name, batch.inputs().get(name)));
                    }
                    runner.runInPlace(batch, fromOutputs, (name, values) -> folding.collect(collectors.get(name), values));
                    folding.awaitBatch();
                } catch (CalibrationException e) {
                    throw new Trt4jException(model.path() + ": " + e.getMessage() + " (batch " + batches + " of "
                            + source.describe() + ")", e);
                } catch (Trt4jException e) {
                    throw new Trt4jException(e.getMessage() + " (batch " + batches + " of " + source.describe()
                            + ")", e);
                }
                samples += batch.size();
                listener.progress(samples, total);
            }
        }
        if (samples == 0) {
            throw new Trt4jException(source.describe() + ": the data holds no samples to calibrate with");
        }
        Map<String, TensorStatistics> result = new LinkedHashMap<>();
        for (TensorStatisticsCollector collector : collectors.values()) {
            TensorStatistics stats = collector.statistics();
            if (stats.count() == 0) {
                throw new Trt4jException(model.path() + ": tensor '" + stats.name() + "' produced no values over "
                        + samples + " samples");
            }
            result.put(stats.name(), stats);
        }
        LOG.debug("Collected statistics of {} tensors over {} samples in {} batches", result.size(), samples, batches);
        return new ActivationStatistics(result, samples, batches, model.sha256(), source.describe());
    }

    private float[] floats(String name, HostTensor tensor) {
        if (tensor == null) {
            throw new Trt4jException(model.path() + ": the data has no input '" + name + "'");
        }
        if (tensor.type() != ElementType.FLOAT32) {
            throw new Trt4jException(model.path() + ": tensor '" + name + "' produced " + tensor.type()
                    + " data, not float");
        }
        return tensor.floats();
    }

    /** The first {@code n} samples of a batch (every input's first dimension is the batch). */
    private static Batch firstSamples(Batch batch, int n) {
        Map<String, HostTensor> cut = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : batch.inputs().entrySet()) {
            HostTensor t = e.getValue();
            long[] shape = t.shape();
            int length = Math.toIntExact(t.elementCount() / shape[0] * n);
            shape[0] = n;
            cut.put(e.getKey(), switch (t.type()) {
                case FLOAT32 -> HostTensor.ofFloats(shape, java.util.Arrays.copyOf(t.floats(), length));
                case INT64 -> HostTensor.ofLongs(shape, java.util.Arrays.copyOf(t.longs(), length));
                case INT32 -> HostTensor.ofInts(shape, java.util.Arrays.copyOf(t.ints(), length));
                default -> throw new IllegalStateException("HostTensor of type " + t.type());
            });
        }
        return new Batch(n, cut);
    }
}
