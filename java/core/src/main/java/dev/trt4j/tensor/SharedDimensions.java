package dev.trt4j.tensor;

import dev.trt4j.InvalidInputException;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sizes that concrete shapes give the symbolic dimensions of a model's inputs (ONNX's {@code dim_param}, e.g.
 * BERT's {@code batch_size} and {@code sequence_length}). Inputs that share a name share its size: one shape settles
 * the others, and two that disagree would only fail inside the runtime (or be broadcast without a word).
 */
public final class SharedDimensions {
    /** A size a symbolic dimension takes, and the input whose shape gave it first. */
    public record Size(long size, String input) {
    }

    /**
     * Two inputs giving one symbolic dimension different sizes.
     *
     * @param name   the dimension's symbolic name
     * @param first  the size the first input gave it
     * @param input  the input that gave it another size
     * @param size   that size
     */
    public record Conflict(String name, Size first, String input, long size) {
    }

    private final Map<String, Size> sizes = new LinkedHashMap<>();
    private final Conflict conflict;

    private SharedDimensions(List<TensorSpec> specs, Map<String, long[]> shapes) {
        Conflict found = null;
        for (TensorSpec spec : specs) {
            long[] shape = shapes.get(spec.name());
            for (int i = 0; shape != null && i < shape.length && i < spec.rank(); i++) {
                String name = spec.sharedDimensionName(i);
                if (name == null || shape[i] < 0) {
                    continue;
                }
                Size first = sizes.putIfAbsent(name, new Size(shape[i], spec.name()));
                if (first != null && first.size() != shape[i] && found == null) {
                    found = new Conflict(name, first, spec.name(), shape[i]);
                }
            }
        }
        this.conflict = found;
    }

    /**
     * The sizes {@code shapes} (by input name; negative entries open) give the symbolic dimensions of {@code specs}.
     */
    public static SharedDimensions of(List<TensorSpec> specs, Map<String, long[]> shapes) {
        return new SharedDimensions(specs, shapes);
    }

    /**
     * Checks that the inputs in {@code data} agree on every symbolic dimension they share: ONNX Runtime would
     * broadcast a size of 1 against the others without a word, or fail on a node deep in the graph.
     *
     * @param model names the model in the message
     * @throws InvalidInputException naming both inputs, the dimension and the two sizes
     */
    public static void requireAgreement(String model, List<TensorSpec> specs, Map<String, HostTensor> data) {
        Map<String, long[]> shapes = new HashMap<>();
        data.forEach((name, tensor) -> shapes.put(name, tensor.shape()));
        of(specs, shapes).conflict().ifPresent(c -> {
            throw new InvalidInputException(model + ": inputs '" + c.first().input() + "' and '" + c.input()
                    + "' share dimension '" + c.name() + "', but the data gives it " + c.first().size() + " and " + c.size());
        });
    }

    /** The first pair of inputs that disagree on a symbolic dimension, if any. */
    public Optional<Conflict> conflict() {
        return Optional.ofNullable(conflict);
    }

    /**
     * {@code dims} (a shape of {@code spec}, open dimensions negative) with each open dimension that a symbolic name
     * of {@code spec} shares with a fixed one given that size; a new array.
     */
    public long[] bind(TensorSpec spec, long[] dims) {
        long[] bound = dims.clone();
        for (int i = 0; i < bound.length && i < spec.rank(); i++) {
            if (bound[i] < 0) {
                bound[i] = sizeOf(spec, i);
            }
        }
        return bound;
    }

    /** The size the shapes give dimension {@code i} of {@code spec} through its symbolic name, or -1. */
    public long sizeOf(TensorSpec spec, int i) {
        String name = spec.sharedDimensionName(i);
        Size s = name == null ? null : sizes.get(name);
        return s == null ? -1 : s.size();
    }
}
