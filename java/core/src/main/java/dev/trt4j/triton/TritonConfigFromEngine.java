package dev.trt4j.triton;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.ShapeRange;
import dev.trt4j.tensor.TensorSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives a {@link TritonModelConfig} from an engine's tensors and the shape ranges of its optimization profile 0
 * (from its sidecar). The model batches in Triton when every input's first dimension may vary from 1 and every
 * output's first dimension is open and not, by its name, another axis of an input (a time-major output's first
 * dimension is its time, not the batch); its max batch size is then the smallest profile maximum of that dimension.
 * Otherwise {@code max_batch_size} is 0 and dimensions are given whole. A dimension the profile fixes is written as
 * its value, a varying one as {@code -1}.
 */
public final class TritonConfigFromEngine {
    /**
     * Serving choices for the generated configuration.
     *
     * @param maxBatchSize     cap on the batch Triton forms; 0 = the engine's largest
     * @param preferredBatches dynamic batching's preferred sizes (may be empty)
     * @param maxQueueDelayUs  dynamic batching's queue delay (µs); negative turns dynamic batching off
     * @param instances        instances per GPU
     * @param gpus             GPUs to run on (empty: all)
     */
    public record Options(int maxBatchSize, List<Integer> preferredBatches, long maxQueueDelayUs, int instances,
                          List<Integer> gpus) {
        public Options {
            preferredBatches = List.copyOf(preferredBatches);
            gpus = List.copyOf(gpus);
        }

        /** Largest batch, no preferred sizes, 100 µs queue delay, one instance on every GPU. */
        public static Options defaults() {
            return new Options(0, List.of(), 100, 1, List.of());
        }
    }

    private TritonConfigFromEngine() {
    }

    /**
     * @param engine  the engine file, for messages
     * @param name    the Triton model name
     * @param sidecar the engine's sidecar (null when there is none: the tensors' own dimensions are used)
     * @throws InvalidOptionException when {@code options} ask for a larger batch than the engine takes
     */
    public static TritonModelConfig of(Path engine, String name, List<TensorSpec> inputs, List<TensorSpec> outputs,
                                       EngineSidecar sidecar, Options options) {
        Map<String, ShapeRange> profile = sidecar == null || sidecar.profiles().isEmpty() ? Map.of()
                : sidecar.profiles().get(0);
        requireProfileFits(engine, profile, inputs);
        requireDimensions(engine, "input", inputs);
        requireDimensions(engine, "output", outputs);
        List<long[]> inputDims = new ArrayList<>();
        boolean batches = !inputs.isEmpty();
        long maxBatch = Long.MAX_VALUE;
        for (TensorSpec in : inputs) {
            ShapeRange range = profile.get(in.name());
            long[] dims = in.dims();
            if (range != null && range.rank() == dims.length) {
                long[] min = range.min();
                long[] max = range.max();
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = min[i] == max[i] ? min[i] : -1;
                }
                if (dims.length > 0 && dims[0] < 0 && min[0] <= 1) {
                    maxBatch = Math.min(maxBatch, max[0]);
                } else {
                    batches = false;
                }
            } else {
                batches = false; // without a profile the engine's largest batch is unknown
            }
            inputDims.add(dims);
        }
        for (TensorSpec out : outputs) {
            batches &= out.rank() > 0 && out.dims()[0] < 0 && !firstAxisIsAnother(out, inputs);
        }
        int maxBatchSize = 0;
        if (batches) {
            if (options.maxBatchSize() > maxBatch) {
                throw new InvalidOptionException(engine + " takes at most batch " + maxBatch + " but --max-batch is "
                        + options.maxBatchSize());
            }
            maxBatchSize = options.maxBatchSize() > 0 ? options.maxBatchSize() : (int) Math.min(maxBatch,
                    Integer.MAX_VALUE);
        }
        List<TritonTensor> tritonInputs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            tritonInputs.add(tensor(inputs.get(i), inputDims.get(i), batches));
        }
        List<TritonTensor> tritonOutputs = new ArrayList<>();
        for (TensorSpec out : outputs) {
            tritonOutputs.add(tensor(out, out.dims(), batches));
        }
        List<Integer> preferred = batches ? options.preferredBatches() : List.of();
        for (int b : preferred) {
            if (b > maxBatchSize) {
                throw new InvalidOptionException(engine + ": preferred batch " + b + " is above the max batch size "
                        + maxBatchSize);
            }
        }
        return new TritonModelConfig(name, maxBatchSize, tritonInputs, tritonOutputs, preferred,
                options.maxQueueDelayUs(), options.instances(), options.gpus(), EngineTarget.of(sidecar));
    }

    /**
     * Whether an output's first axis is, by its name, an input axis other than the batch: a time-major {@code [T, N,
     * C]} output of an input {@code [N, T, C]}, which Triton would split by time. Only then: exporters that name
     * every dimension apart ({@code p2o.DynamicDimension.2}, {@code unk__7}) or name input and output batches
     * differently give no such evidence, and their first axis is the batch.
     */
    public static boolean firstAxisIsAnother(TensorSpec output, List<TensorSpec> inputs) {
        String first = output.rank() > 0 ? output.sharedDimensionName(0) : null;
        if (first == null) {
            return false;
        }
        Set<String> batchNames = new HashSet<>();
        Set<String> otherNames = new HashSet<>();
        for (TensorSpec in : inputs) {
            for (int i = 0; i < in.rank(); i++) {
                String n = in.sharedDimensionName(i);
                if (n != null) {
                    (i == 0 ? batchNames : otherNames).add(n);
                }
            }
        }
        return otherNames.contains(first) && !batchNames.contains(first);
    }

    /**
     * The profile must describe {@code inputs}: a profile of other inputs, ranks or fixed sizes belongs to an engine
     * of another model, and Triton would be told shapes the engine refuses.
     *
     * @throws Trt4jException naming the first input that does not fit
     */
    private static void requireProfileFits(Path engine, Map<String, ShapeRange> profile, List<TensorSpec> inputs) {
        if (profile.isEmpty()) {
            return;
        }
        String names = String.join(", ", inputs.stream().map(TensorSpec::name).toList());
        String notBuiltFrom = "; the model is not the one it was built from";
        for (String name : profile.keySet()) {
            if (inputs.stream().noneMatch(in -> in.name().equals(name))) {
                throw new Trt4jException(engine + ": its sidecar's profile has input '" + name + "', which the model "
                        + "does not have (its inputs: " + names + ")" + notBuiltFrom);
            }
        }
        for (TensorSpec in : inputs) {
            ShapeRange range = profile.get(in.name());
            if (range == null) {
                throw new Trt4jException(engine + ": its sidecar's profile has no shapes for the model's input '"
                        + in.name() + "'" + notBuiltFrom);
            }
            long[] dims = in.dims();
            if (range.rank() != dims.length) {
                throw new Trt4jException(engine + ": its sidecar's profile gives input '" + in.name() + "' "
                        + range.rank() + " dimensions, the model " + dims.length + notBuiltFrom);
            }
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] > 0 && (range.min()[i] != dims[i] || range.max()[i] != dims[i])) {
                    throw new Trt4jException(engine + ": its sidecar's profile lets dimension " + i + " of input '"
                            + in.name() + "' be " + range.min()[i] + ".." + range.max()[i] + ", but the model fixes "
                            + "it at " + dims[i] + notBuiltFrom);
                }
            }
        }
    }

    /**
     * Triton refuses a tensor without dimensions ("must specify 'dims'"), and a scalar in a model that does not batch;
     * a tensor of rank 0 is one of those, or a shape the model leaves undeclared.
     */
    private static void requireDimensions(Path engine, String kind, List<TensorSpec> tensors) {
        for (TensorSpec t : tensors) {
            if (t.rank() == 0) {
                throw new Trt4jException(engine + ": " + kind + " '" + t.name() + "' has no dimensions (a scalar, or "
                        + "a shape the model does not declare); Triton serves tensors of rank 1 or more");
            }
        }
    }

    private static TritonTensor tensor(TensorSpec spec, long[] dims, boolean dropBatch) {
        long[] d = dropBatch ? Arrays.copyOfRange(dims, 1, dims.length) : dims.clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] < 0 ? -1 : d[i];
        }
        return new TritonTensor(spec.name(), spec.type(), d);
    }
}
