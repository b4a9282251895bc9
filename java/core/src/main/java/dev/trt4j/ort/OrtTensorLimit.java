package dev.trt4j.ort;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.TensorSpec;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The most bytes one tensor takes through ONNX Runtime's Java API. It copies a tensor's values into one direct buffer,
 * whose size is an {@code int}, and refuses any within 8 elements of {@link Integer#MAX_VALUE} bytes (1.29's
 * {@code OrtUtil.prepareBuffer}: "Cannot allocate a direct buffer of the requested size and type"). That is an
 * {@link IllegalStateException}, which reached users as an unexpected error: a batch of 552,960,000 floats is fewer
 * values than a Java array holds, and 2.2 GB all the same. Checked where a shape is known before ONNX Runtime is
 * asked (for an output, from its declared shape, else before its values are read back), so the refusal names the
 * input or output, its shape and this limit.
 */
public final class OrtTensorLimit {
    private OrtTensorLimit() {
    }

    /** The most bytes one tensor of {@code type} takes: {@code Integer.MAX_VALUE - 8 ×} its element size. */
    public static long maxBytes(ElementType type) {
        return Integer.MAX_VALUE - 8L * type.bytes();
    }

    /**
     * Why one tensor of {@code shape} and {@code type} is too large for ONNX Runtime, as the end of a message:
     * {@code input 'x' at 20000x3x48x192 would take 2,211,840,000 bytes (FLOAT32), more than one ONNX Runtime tensor
     * takes (2,147,483,615)}; empty where it fits.
     *
     * @param what  the tensor, for example {@code input 'x'}
     * @param shape its concrete shape, no dimension negative
     */
    public static Optional<String> exceeded(String what, long[] shape, ElementType type) {
        long bytes;
        try {
            bytes = Math.multiplyExact(HostTensor.elementCount(shape), (long) type.bytes());
        } catch (ArithmeticException e) {
            bytes = Long.MAX_VALUE;
        }
        if (bytes <= maxBytes(type)) {
            return Optional.empty();
        }
        return Optional.of(what + " at " + shapeText(shape) + " would take "
                + (bytes == Long.MAX_VALUE ? "more than 2^63" : String.format(Locale.ROOT, "%,d", bytes))
                + " bytes (" + type + "), more than one ONNX Runtime tensor takes ("
                + String.format(Locale.ROOT, "%,d", maxBytes(type)) + ")");
    }

    /**
     * Refuses a batch of which one input would be too large for ONNX Runtime, before it is asked to take it. The
     * batch's size is the command line's ({@code --batch}, {@code --shapes}), so this is a usage error.
     *
     * @param model  a name for messages (the model's file)
     * @param specs  the model's inputs, whose element types ONNX Runtime gets
     * @param inputs the batch's values by input name; an input missing here is not judged
     * @throws InvalidOptionException naming the input, its shape and the limit
     */
    public static void requireFits(String model, Collection<TensorSpec> specs, Map<String, HostTensor> inputs) {
        for (TensorSpec spec : specs) {
            HostTensor values = inputs.get(spec.name());
            if (values == null) {
                continue;
            }
            exceeded("input '" + spec.name() + "'", values.shape(), spec.type()).ifPresent(why -> {
                throw new InvalidOptionException(model + ": " + why + "; give a smaller --batch or --shapes");
            });
        }
    }

    /**
     * Refuses an output of {@code shape} too large for ONNX Runtime's Java API, before trt4j reads or pins it: ONNX
     * Runtime makes such an output in native memory, but reading it back fails ({@code capacity < 0}, an integer
     * overflow), so without this the user saw an internal error rather than the batch to make smaller.
     *
     * @param model  a name for messages (the model's file)
     * @param output the output's name
     * @param shape  its concrete shape
     * @throws InvalidOptionException naming the output, its shape and the limit
     */
    public static void requireOutputFits(String model, String output, long[] shape, ElementType type) {
        exceeded("output '" + output + "'", shape, type).ifPresent(why -> {
            throw new InvalidOptionException(model + ": " + why + "; give a smaller --batch or --shapes");
        });
    }

    /**
     * As {@link #requireOutputFits}, for the outputs' declared shapes with each named dimension ({@code N}) taken
     * from an input of the batch that names it too, so that a too-large output is refused before ONNX Runtime
     * allocates it. An output with a dimension the inputs do not settle is left to the check after the run.
     *
     * @param inputs  the model's inputs, whose dimension names settle the outputs'
     * @param outputs the outputs to judge
     * @param batch   the batch's shapes by input name
     */
    public static void requireDeclaredOutputsFit(String model, Collection<TensorSpec> inputs,
                                                 Collection<TensorSpec> outputs, Map<String, long[]> batch) {
        Map<String, Long> named = new java.util.HashMap<>();
        for (TensorSpec in : inputs) {
            long[] shape = batch.get(in.name());
            for (int i = 0; shape != null && i < shape.length && i < in.dimNames().size(); i++) {
                if (in.dimNames().get(i) != null) {
                    named.putIfAbsent(in.dimNames().get(i), shape[i]);
                }
            }
        }
        for (TensorSpec out : outputs) {
            declared(out, named).ifPresent(shape -> requireOutputFits(model, out.name(), shape, out.type()));
        }
    }

    private static Optional<long[]> declared(TensorSpec out, Map<String, Long> named) {
        long[] shape = out.dims().clone();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                String dim = i < out.dimNames().size() ? out.dimNames().get(i) : null;
                Long value = dim == null ? null : named.get(dim);
                if (value == null) {
                    return Optional.empty();
                }
                shape[i] = value;
            }
        }
        return Optional.of(shape);
    }

    private static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder();
        for (long d : shape) {
            sb.append(sb.length() == 0 ? "" : "x").append(d);
        }
        return sb.toString();
    }
}
