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
 * asked, so the refusal names the input, its shape and this limit.
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

    private static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder();
        for (long d : shape) {
            sb.append(sb.length() == 0 ? "" : "x").append(d);
        }
        return sb.toString();
    }
}
