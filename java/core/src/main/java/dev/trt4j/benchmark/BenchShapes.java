package dev.trt4j.benchmark;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.ort.OrtTensorLimit;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.SharedDimensions;
import dev.trt4j.tensor.TensorSpec;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Settles the concrete shape of every input for a benchmark: the user's shape ({@code --shapes}) or the model's,
 * with the batch ({@code --batch}) as first dimension. An open first dimension without either becomes 1; any other
 * open dimension needs a shape. Messages name the input, the model's shape and the fix.
 */
public final class BenchShapes {
    private BenchShapes() {
    }

    /**
     * @param model  a name for messages (the file)
     * @param batch  the batch size, or 0 for none
     * @param shapes user shapes by input name
     * @throws Trt4jException for a shape naming no input, of the wrong rank, contradicting a fixed dimension, a
     *                        batch a fixed batch dimension cannot take, or an open dimension left open
     */
    public static Map<String, long[]> resolve(String model, List<TensorSpec> inputs, int batch,
                                              Map<String, long[]> shapes) {
        return resolve(model, inputs, batch, shapes, Map.of(), shapes);
    }

    /**
     * As {@link #resolve(String, List, int, Map)}, with a shape for inputs the user gave none: a TensorRT engine's
     * optimal shapes, as trtexec times a dynamic engine at its profile's opt shapes. The batch still replaces
     * their first dimension.
     *
     * @param defaults shapes by input name for inputs absent from {@code shapes}; ranks that differ are ignored
     */
    public static Map<String, long[]> resolve(String model, List<TensorSpec> inputs, int batch,
                                              Map<String, long[]> shapes, Map<String, long[]> defaults) {
        return resolve(model, inputs, batch, shapes, defaults, shapes);
    }

    /**
     * As {@link #resolve(String, List, int, Map, Map)}, where {@code shapes} are this model's entries of a longer
     * {@code --shapes} option (a comparison of models with other inputs): the fix an open dimension's message
     * suggests keeps every entry of it, since the option is given once.
     *
     * @param option every entry of the {@code --shapes} option, in the order given
     */
    public static Map<String, long[]> resolve(String model, List<TensorSpec> inputs, int batch,
                                              Map<String, long[]> shapes, Map<String, long[]> defaults,
                                              Map<String, long[]> option) {
        for (String name : shapes.keySet()) {
            if (inputs.stream().noneMatch(s -> s.name().equals(name))) {
                throw new InvalidOptionException(model + ": --shapes names '" + name + "', which is not an input; "
                        + "inputs are "
                        + inputs.stream().map(TensorSpec::name).collect(Collectors.joining(", ", "[", "]")));
            }
        }
        Map<String, long[]> resolved = new LinkedHashMap<>();
        Map<TensorSpec, long[]> open = new LinkedHashMap<>();
        // Where some input's first dimension is open, that is the batch; a fixed first dimension elsewhere (a
        // recurrent state's [2, N, 64]) is not, and keeps its size under --batch.
        boolean openBatch = hasOpenBatch(inputs);
        for (TensorSpec in : inputs) {
            long[] given = shapes.get(in.name());
            long[] fallback = defaults.get(in.name());
            if (given == null && fallback != null && fallback.length == in.dims().length) {
                given = fallback;
            }
            boolean takesBatch = !openBatch || in.dims().length == 0 || in.dims()[0] < 0;
            resolved.put(in.name(), resolve(model, in, takesBatch ? batch : 0, given));
        }
        SharedDimensions asGiven = SharedDimensions.of(inputs, resolved);
        for (TensorSpec in : inputs) {
            long[] shape = resolved.get(in.name());
            if (shape.length > 0 && shape[0] < 0 && asGiven.sizeOf(in, 0) <= 0) {
                shape[0] = 1; // an open batch no shape sets; inputs sharing its name take it below
            }
        }
        SharedDimensions named = SharedDimensions.of(inputs, resolved);
        named.conflict().ifPresent(c -> {
            throw new InvalidOptionException(model + ": inputs '" + c.first().input() + "' and '" + c.input()
                    + "' share dimension '" + c.name() + "', but their shapes give it " + c.first().size() + " and "
                    + c.size() + "; give both the same size");
        });
        for (TensorSpec in : inputs) {
            long[] shape = resolved.get(in.name());
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0 && named.sizeOf(in, i) > 0) {
                    shape[i] = named.sizeOf(in, i); // the size another input's shape gives this dimension's name
                }
            }
            if (Arrays.stream(shape).anyMatch(d -> d < 0)) {
                open.put(in, shape);
            }
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] == 0) {
                    throw new InvalidOptionException(model + ": --shapes " + in.name() + ":" + text(shape) + ": "
                            + "dimension " + i + " is 0, an empty tensor; there is nothing to time");
                }
            }
        }
        if (!open.isEmpty()) {
            throw openDimensions(model, open, option);
        }
        return resolved;
    }

    /**
     * One message for every input left open, so that the --shapes it suggests runs as given: after the entries
     * already given, which a second --shapes would not add to but be refused beside.
     */
    private static InvalidOptionException openDimensions(String model, Map<TensorSpec, long[]> open,
                                                         Map<String, long[]> given) {
        String spec = java.util.stream.Stream.concat(
                given.entrySet().stream().map(e -> e.getKey() + ":" + text(e.getValue())),
                open.entrySet().stream().map(e -> e.getKey().name() + ":" + Arrays.stream(e.getValue())
                        .mapToObj(d -> d < 0 ? "N" : Long.toString(d)).collect(Collectors.joining("x"))))
                .collect(Collectors.joining(","));
        if (open.size() == 1) {
            Map.Entry<TensorSpec, long[]> only = open.entrySet().iterator().next();
            int first = 0;
            while (only.getValue()[first] >= 0) {
                first++;
            }
            return new InvalidOptionException(model + ": input '" + only.getKey().name() + "' "
                    + only.getKey().shapeText() + " has open dimension " + first + "; give its shape with --shapes "
                    + spec);
        }
        String names = open.keySet().stream().map(in -> "'" + in.name() + "' " + in.shapeText())
                .collect(Collectors.joining(", "));
        return new InvalidOptionException(model + ": inputs " + names + " have open dimensions; give their shapes "
                + "with --shapes " + spec);
    }

    private static long[] resolve(String model, TensorSpec in, int batch, long[] given) {
        long[] dims = in.dims();
        if (dims.length == 0) {
            return dims;
        }
        if (given != null && given.length != dims.length) {
            throw new InvalidOptionException(model + ": --shapes " + in.name() + ":" + text(given) + " has rank "
                    + given.length + " but input '" + in.name() + "' " + in.shapeText() + " has rank " + dims.length);
        }
        long[] shape = given != null ? given.clone() : dims.clone();
        if (batch > 0) {
            if (dims[0] >= 0 && dims[0] != batch) {
                throw new InvalidOptionException(model + ": batch " + batch + " does not fit input '" + in.name() + "' "
                        + in.shapeText() + ": its batch dimension is fixed to " + dims[0]);
            }
            shape[0] = batch;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] >= 0 && shape[i] != dims[i]) {
                throw new InvalidOptionException(model + ": --shapes " + in.name() + ":" + text(shape) + " does "
                        + "not fit input '"
                        + in.name() + "' " + in.shapeText() + " (dimension " + i + " is fixed to " + dims[i] + ")");
            }
        }
        return shape;
    }

    /**
     * The first dimension of the first input that has one, else 1: the batch where the model leaves no first
     * dimension open. Private: without the inputs' own dimensions a fixed first dimension (a recurrent state's
     * {@code [2, N, 64]}) would pass for the batch.
     */
    private static int batch(Map<String, long[]> shapes) {
        return shapes.values().stream().filter(s -> s.length > 0).mapToInt(s -> (int) s[0]).findFirst().orElse(1);
    }

    /**
     * The samples in one query of {@code shapes} as {@link #resolve} gives them: the first dimension of the first
     * input whose first dimension the model leaves open, since a fixed one (a recurrent state's {@code [2, N, 64]})
     * is not the batch; the first input's when every first dimension is fixed; 1 for scalars only. Every backend
     * reports it, and bench names per-run files by it before any run.
     */
    public static int batch(List<TensorSpec> inputs, Map<String, long[]> shapes) {
        for (TensorSpec in : inputs) {
            long[] shape = shapes.get(in.name());
            if (in.dims().length > 0 && in.dims()[0] < 0 && shape != null && shape.length > 0) {
                return (int) shape[0];
            }
        }
        return batch(shapes);
    }

    /**
     * Whether some input leaves its first dimension open: that dimension is then the batch, and an input whose first
     * dimension is fixed (a recurrent state's {@code [2, N, 64]}) holds its batch elsewhere, if at all.
     */
    public static boolean hasOpenBatch(List<TensorSpec> inputs) {
        return inputs.stream().anyMatch(in -> in.dims().length > 0 && in.dims()[0] < 0);
    }

    /**
     * Refuses shapes whose inputs ONNX Runtime or the host cannot hold before anything is timed: an input of more
     * bytes than one ONNX Runtime tensor takes ({@link OrtTensorLimit}, which also keeps its values within one Java
     * array), or inputs taking more than half of {@code memoryBytes} (each is held twice: its values and the runtime's
     * copy). Without this a large {@code --batch} of a sweep failed after the smaller ones were timed, or as an
     * unexpected error where its values fit a Java array but their bytes did not fit ONNX Runtime's buffer.
     *
     * @param model       a name for messages (the file)
     * @param shapes      the resolved shapes by input name
     * @param memoryBytes the memory the inputs may use, e.g. {@link Runtime#maxMemory()}
     * @throws InvalidOptionException naming the input and its shape and the limit, or the total and the memory
     */
    public static void requireHoldable(String model, List<TensorSpec> inputs, Map<String, long[]> shapes,
                                       long memoryBytes) {
        long total = 0;
        for (TensorSpec in : inputs) {
            long[] shape = shapes.get(in.name());
            if (shape == null) {
                continue;
            }
            OrtTensorLimit.exceeded("input '" + in.name() + "'", shape, in.type()).ifPresent(why -> {
                throw new InvalidOptionException(model + ": " + why + "; give a smaller --batch or --shapes");
            });
            long n = HostTensor.elementCount(shape);
            // float16 inputs are held as float32 on the host
            total += n * Math.max(in.type().bytes(), in.type() == ElementType.FLOAT16 ? 4 : 1);
        }
        if (total > memoryBytes / 2) {
            throw new InvalidOptionException(model + ": the inputs at " + text(shapes) + " take " + mib(total)
                    + " MiB, held twice (values and the runtime's copy), and Java may use " + mib(memoryBytes)
                    + " MiB; give a smaller --batch or --shapes, or more memory (TRT4J_JAVA_OPTS=-Xmx16g)");
        }
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /** A shape in trtexec's syntax: {@code 1x3x48x192}. */
    public static String text(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining("x"));
    }

    /** Shapes as {@code x:1x3x48x192,mask:1x128}. */
    public static String text(Map<String, long[]> shapes) {
        return shapes.entrySet().stream().map(e -> e.getKey() + ":" + text(e.getValue()))
                .collect(Collectors.joining(","));
    }
}
