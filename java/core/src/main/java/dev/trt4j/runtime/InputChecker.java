package dev.trt4j.runtime;

import dev.trt4j.InvalidInputException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.SharedDimensions;
import dev.trt4j.tensor.TensorSpec;
import dev.trt4j.tensor.TokenInputCheck;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a query's inputs against a model's before any native call, so mistakes come back as one line naming the
 * input and both shapes ({@link InvalidInputException}, a bad request to a service): unknown and missing names,
 * element types that do not convert (float32 data feeds float32 and float16 inputs, int32/int64 data feeds int32,
 * int64, int8, uint8 and bool inputs), ranks and fixed dimensions, and token inputs a text model would answer wrongly
 * without an error ({@link TokenInputCheck}). Float values are not checked: NaN and infinity reach the model as given.
 */
public final class InputChecker {
    private InputChecker() {
    }

    /**
     * @param model a name for messages
     * @throws InvalidInputException on the first mismatch
     */
    public static void check(String model, List<TensorSpec> specs, Map<String, HostTensor> inputs) {
        for (String given : inputs.keySet()) {
            if (specs.stream().noneMatch(s -> s.name().equals(given))) {
                throw new InvalidInputException(model + ": unknown input '" + given + "'; inputs are " + names(specs));
            }
        }
        for (TensorSpec spec : specs) {
            if (inputs.containsKey(spec.name()) && inputs.get(spec.name()) == null) {
                throw new NullPointerException("input '" + spec.name() + "' is null");
            }
            HostTensor tensor = inputs.get(spec.name());
            if (tensor == null) {
                throw new InvalidInputException(model + ": input '" + spec.name() + "' " + spec.shapeText()
                        + " is missing; inputs given: " + inputs.keySet());
            }
            if (!converts(tensor.type(), spec.type())) {
                throw new InvalidInputException(model + ": input '" + spec.name() + "' is " + spec.type()
                        + " but the data is " + tensor.type());
            }
            if (!spec.accepts(tensor.shape())) {
                throw new InvalidInputException(model + ": input '" + spec.name() + "' expects shape "
                        + spec.shapeText() + " but the data has " + Arrays.toString(tensor.shape()).replace(" ", ""));
            }
            if (tensor.shape().length >= 2 && tensor.shape()[0] == 0) {
                // Some models pass an empty batch through; others fail on a node deep in the graph.
                throw new InvalidInputException(model + ": input '" + spec.name() + "' has an empty batch (shape "
                        + Arrays.toString(tensor.shape()).replace(" ", "") + "); give at least one sample");
            }
        }
        // BERT's batch_size and sequence_length: a batch of 1 would be broadcast against the others without a word
        SharedDimensions.requireAgreement(model, specs, inputs);
        TokenInputCheck.check(model, inputs);
    }

    /** Whether {@code data} can feed an input of type {@code input}. */
    public static boolean converts(ElementType data, ElementType input) {
        return switch (input) {
            case FLOAT32, FLOAT16 -> data == ElementType.FLOAT32;
            // host tensors hold no bytes: one-byte inputs take integers, range-checked when staged (HostTensorCodec)
            case INT64, INT32, INT8, UINT8, BOOL -> data == ElementType.INT64 || data == ElementType.INT32;
            default -> false;
        };
    }

    private static String names(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::name).collect(Collectors.joining(", ", "[", "]"));
    }
}
