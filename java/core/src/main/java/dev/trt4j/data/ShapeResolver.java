package dev.trt4j.data;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.ShapeText;
import dev.trt4j.tensor.SharedDimensions;
import dev.trt4j.tensor.TensorSpec;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a model's input shapes, which may have dynamic dimensions, into the concrete shape of each batch a
 * data source delivers, and checks that data fits. The first dimension of every input is the batch
 * dimension. A dimension is taken from, in order: the user's fixed shape, the model, another input's fixed shape
 * for a dimension of the same symbolic name, what the data or its preprocessing sets; a dimension none of these
 * sets is an error.
 *
 * <p>Messages start with the data source's name (usually its file) and name the input and both shapes.
 */
public final class ShapeResolver {
    private final String source;
    private final List<TensorSpec> inputs;
    private final DataOptions options;
    private final int batchSize;
    private final boolean fullBatchesOnly;

    /**
     * Whether calibration data can feed a model input of {@code type}. A FLOAT16 input is fed float32 values, which
     * the runners convert, as they convert a serving request's; a BOOL input (a mask, a Where's condition) is fed
     * integers 0 and 1, checked when staged, as the TensorRT engine path takes them.
     */
    public static boolean feeds(ElementType type) {
        return type == ElementType.FLOAT32 || type == ElementType.FLOAT16 || type == ElementType.INT64
                || type == ElementType.INT32 || type == ElementType.BOOL;
    }

    /**
     * Checks the model inputs and fixed shapes and settles the batch size.
     *
     * @param source the data's name for messages, e.g. the file as the user gave it
     * @throws Trt4jException if an input has a type data cannot feed, a fixed shape names no input or does not
     *                        fit it, or the requested batch size does not fit a fixed batch dimension
     */
    public ShapeResolver(String source, List<TensorSpec> inputs, DataOptions options) {
        this.source = source;
        // the sources make float32 values; ONNX Runtime gets them as float16 where the model wants it
        this.inputs = inputs.stream().map(in -> in.type() != ElementType.FLOAT16 ? in
                : new TensorSpec(in.name(), ElementType.FLOAT32, in.dims(), in.dimNames())).toList();
        this.options = options;
        if (inputs.isEmpty()) {
            throw new Trt4jException(source + ": the model has no inputs to feed");
        }
        for (TensorSpec in : inputs) {
            if (!feeds(in.type())) {
                throw new Trt4jException(source + ": model input '" + in.name() + "' is " + in.type()
                        + "; calibration data can feed FLOAT32, FLOAT16, INT64, INT32 and BOOL inputs only");
            }
            if (in.rank() == 0) {
                throw new Trt4jException(scalarInputMessage(source, "MODEL", in));
            }
        }
        for (Map.Entry<String, long[]> e : options.fixedShapes().entrySet()) {
            TensorSpec in = inputs.stream().filter(s -> s.name().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new InvalidOptionException("fixed shape " + shapeArg(e.getKey(), e.getValue())
                            + " names no model input (inputs: " + names() + ")"));
            long[] user = e.getValue();
            if (!in.accepts(user)) {
                throw new InvalidOptionException("fixed shape " + shapeArg(in.name(), user) + " does not fit model input '"
                        + in.name() + "' " + in.shapeText());
            }
        }
        this.fullBatchesOnly = inputs.stream().anyMatch(s -> s.dims()[0] >= 0);
        this.batchSize = settleBatchSize();
    }

    /**
     * Refuses a model with a scalar input among those the data is to feed, naming the model: data comes in batches,
     * and a scalar has no batch dimension. Such an input is a setting (Silero VAD's sample rate {@code sr}), which
     * {@code convert --fix-input} folds into the model.
     *
     * @param model  the model's file as the user gave it
     * @param inputs the inputs the data is to feed
     * @throws Trt4jException naming the model, the first scalar input and the conversion that removes it
     */
    public static void requireNoScalarInputs(String model, List<TensorSpec> inputs) {
        for (TensorSpec in : inputs) {
            if (in.rank() == 0) {
                throw new Trt4jException(scalarInputMessage(model, model, in));
            }
        }
    }

    /**
     * {@return the refusal of scalar input {@code in}, starting with {@code subject} and suggesting the conversion of
     * {@code modelArgument}}
     */
    private static String scalarInputMessage(String subject, String modelArgument, TensorSpec in) {
        return subject + ": model input '" + in.name() + "' is a scalar (" + in.type() + "), which calibration data "
                + "cannot feed (data comes in batches); fix its value first: trt4j convert " + modelArgument
                + " --fix-input " + in.name() + "=VALUE --out FIXED.onnx, then use FIXED.onnx";
    }

    /** A streaming state is a float tensor (an RNN's hidden state); token ids and masks never are. */
    private static boolean isFloat(TensorSpec in) {
        return in.type() == ElementType.FLOAT32 || in.type() == ElementType.FLOAT16;
    }

    private int settleBatchSize() {
        Set<Long> wanted = new TreeSet<>();
        Map<Long, String> saidBy = new TreeMap<>();
        for (TensorSpec in : inputs) {
            long modelBatch = in.dims()[0];
            long[] user = options.fixedShape(in.name());
            if (options.batchSize() > 0) {
                if (modelBatch >= 0 && modelBatch != options.batchSize()) {
                    throw new InvalidOptionException(source + ": batch size " + options.batchSize() + " does not fit model "
                            + "input '" + in.name() + "' " + in.shapeText() + " (its batch dimension is fixed to "
                            + modelBatch + ")" + (inputs.size() > 1 && isFloat(in) ? "; if '" + in.name()
                            + "' is a streaming "
                            + "state, feed it back with --feedback OUTPUT=" + in.name() + " (calibrate, evaluate, "
                            + "compare-calibrators, sensitivity)" : ""));
                }
                if (user != null && user[0] != options.batchSize()) {
                    throw new InvalidOptionException("batch size " + options.batchSize() + " conflicts with fixed shape "
                            + shapeArg(in.name(), user) + " (its first dimension is the batch)");
                }
            }
            if (modelBatch >= 0) {
                wanted.add(modelBatch);
                saidBy.merge(modelBatch, "'" + in.name() + "' " + in.shapeText(), (a, b) -> a + ", " + b);
            } else if (user != null) {
                wanted.add(user[0]);
                saidBy.merge(user[0], "'" + in.name() + "' fixed to " + shapeArg(in.name(), user),
                        (a, b) -> a + ", " + b);
            }
        }
        if (options.batchSize() > 0) {
            return options.batchSize();
        }
        if (wanted.size() > 1) {
            throw new Trt4jException(source + ": model inputs and fixed shapes disagree on the batch size: "
                    + saidBy.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                    .collect(Collectors.joining(" vs ")) + "; an input whose first dimension is not the batch, such "
                    + "as a streaming state, is fed back with --feedback OUTPUT=INPUT");
        }
        long b = wanted.isEmpty() ? DataOptions.DEFAULT_BATCH_SIZE : wanted.iterator().next();
        if (b < 1 || b > Integer.MAX_VALUE) {
            String message = source + ": batch size " + b + " (from " + saidBy.getOrDefault(b, "the model")
                    + ") is not usable; it must be 1 to " + Integer.MAX_VALUE;
            // a shape the user fixed is a usage error, as a zero or negative one is; a model's own is the model's
            boolean fromOption = inputs.stream().anyMatch(in -> in.dims()[0] < 0
                    && options.fixedShape(in.name()) != null && options.fixedShape(in.name())[0] == b);
            throw fromOption ? new InvalidOptionException(message) : new Trt4jException(message);
        }
        return (int) b;
    }

    /** Samples per batch. */
    public int batchSize() {
        return batchSize;
    }

    /** True when the model fixes its batch dimension, so that a smaller last batch cannot be fed. */
    public boolean fullBatchesOnly() {
        return fullBatchesOnly;
    }

    /** The model inputs this resolver shapes, in model order. */
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /** The data's name used in messages. */
    public String source() {
        return source;
    }

    /**
     * The model's only input.
     *
     * @param kind the kind of data, for the message, e.g. {@code "image"}
     * @throws SingleInputDataException if the model has several inputs
     */
    public TensorSpec onlyInput(String kind) {
        if (inputs.size() != 1) {
            throw new SingleInputDataException(source + ": " + kind + " data feeds a single input, but the model has "
                    + inputs.size() + ": " + names());
        }
        return inputs.get(0);
    }

    /** The concrete shape of one batch of {@code input}, every dimension set by the user or the model. */
    public long[] batchShape(TensorSpec input) {
        return batchShape(input, null);
    }

    /**
     * The concrete shape of one batch of {@code input}.
     *
     * @param fallback values for dimensions that neither the user nor the model fixes (values below 1: none;
     *                 index 0 is ignored); may be null
     * @throws Trt4jException if a dimension stays unset
     */
    public long[] batchShape(TensorSpec input, long[] fallback) {
        long[] model = input.dims();
        long[] user = options.fixedShape(input.name());
        long[] shape = new long[model.length];
        shape[0] = batchSize;
        for (int i = 1; i < model.length; i++) {
            long shared = user == null && model[i] < 0 ? sharedDimension(input, i) : -1;
            if (user != null) {
                shape[i] = user[i];
            } else if (model[i] >= 0) {
                shape[i] = model[i];
            } else if (shared > 0) {
                shape[i] = shared;
            } else if (fallback != null && i < fallback.length && fallback[i] > 0) {
                shape[i] = fallback[i];
            } else {
                throw new Trt4jException(source + ": model input '" + input.name() + "' " + input.shapeText()
                        + " has dynamic dimension " + i + ", which the data does not fix; give a fixed shape (--shapes), e.g. "
                        + example(input, fallback));
            }
        }
        return requireArraySize(input, shape);
    }

    /**
     * Checks that an array whose first dimension counts samples fits {@code input} and returns the batch shape
     * (the array's shape with the batch size first).
     *
     * @param dataName the array's name for the message, e.g. its file
     * @throws Trt4jException e.g. {@code lines.npy: array shape [10,3,32,32] does not fit model input 'x'
     *                        [?,3,48,192]}
     */
    public long[] fitData(String dataName, TensorSpec input, long[] dataShape) {
        long[] model = input.dims();
        long[] user = options.fixedShape(input.name());
        boolean fits = dataShape.length == model.length;
        for (int i = 1; fits && i < model.length; i++) {
            fits = (model[i] < 0 || model[i] == dataShape[i]) && (user == null || user[i] == dataShape[i]);
        }
        if (!fits) {
            throw new Trt4jException(dataName + ": array shape " + ShapeText.of(dataShape)
                    + " does not fit model input '" + input.name() + "' " + input.shapeText()
                    + (user == null ? "" : " fixed to " + ShapeText.of(user)));
        }
        long[] shape = dataShape.clone();
        shape[0] = batchSize;
        return requireArraySize(input, shape);
    }

    /**
     * A batch is held in one Java array, which has at most 2^31-1 elements; a larger shape is refused here, naming
     * the input, rather than failing later as a negative or overflowing array size.
     */
    private long[] requireArraySize(TensorSpec input, long[] shape) {
        long count = 1;
        for (long d : shape) {
            count = d == 0 || count == 0 ? 0 : count > Integer.MAX_VALUE / d ? Long.MAX_VALUE : count * d;
        }
        if (count > Integer.MAX_VALUE) {
            throw new Trt4jException(source + ": a batch of model input '" + input.name() + "' " + ShapeText.of(shape)
                    + " is too large (more than 2^31-1 values); give a smaller batch or shape");
        }
        return shape;
    }

    private String example(TensorSpec input, long[] fallback) {
        long[] model = input.dims();
        StringBuilder sb = new StringBuilder(input.name()).append(':').append(batchSize);
        for (int i = 1; i < model.length; i++) {
            long d = model[i] >= 0 ? model[i] : fallback != null && i < fallback.length && fallback[i] > 0
                    ? fallback[i] : -1;
            sb.append('x').append(d >= 0 ? String.valueOf(d) : "N");
        }
        return sb.toString();
    }

    /**
     * The size a fixed shape gives a dimension of the same symbolic name on another input, or -1. ONNX's
     * {@code dim_param}: inputs that share one have one size, so {@code --shapes input_ids:4x16} settles BERT's
     * attention_mask and token_type_ids [batch_size, sequence_length] too.
     */
    private long sharedDimension(TensorSpec input, int i) {
        return SharedDimensions.of(inputs, options.fixedShapes()).sizeOf(input, i);
    }

    private String names() {
        return inputs.stream().map(TensorSpec::name).collect(Collectors.joining(", "));
    }

    private static String shapeArg(String name, long[] dims) {
        return name + ":" + dev.trt4j.engine.ShapeSpecParser.format(dims); // "scalar" for a 0-D shape, as written
    }
}
