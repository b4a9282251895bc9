package dev.trt4j.tensor;

import dev.trt4j.InvalidInputException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Refuses token inputs that a text model would take without an error and answer wrongly: a negative token id, which
 * ONNX's and TensorRT's Gather read as a row counted from the end of the embedding table (Hugging Face's -100
 * "ignore" label used as padding gives the embedding of the vocabulary's last token), and a row of no tokens, whose
 * outputs are empty and whose mean pooling is NaN, and an {@code attention_mask} holding anything but 0 and 1 (token
 * ids passed as the mask by an argument mix-up: the model weighs keys by them and answers NaN or nonsense). Ids past
 * the end of the table fail in the runtime and are explained there ({@link dev.trt4j.ort.TokenInputLimits}).
 */
public final class TokenInputCheck {
    /** Inputs that index an embedding table, as Hugging Face names them. */
    private static final List<String> INDEX_INPUTS = List.of("input_ids", "token_type_ids", "position_ids");
    private static final String MASK = "attention_mask";

    private TokenInputCheck() {
    }

    /**
     * @param model a name for messages
     * @throws InvalidInputException naming the input and, for a negative id, where it is
     */
    public static void check(String model, Map<String, HostTensor> inputs) {
        for (String name : INDEX_INPUTS) {
            HostTensor t = inputs.get(name);
            if (!isTokenMatrix(t)) {
                continue;
            }
            long width = t.shape()[1];
            if (width == 0 && t.shape()[0] > 0) {
                throw new InvalidInputException(model + ": input '" + name + "' holds no tokens (shape "
                        + Arrays.toString(t.shape()).replace(" ", "") + "); give at least one token a row");
            }
            int at = firstWhere(t, v -> v < 0);
            if (at >= 0) {
                throw new InvalidInputException(model + ": input '" + name + "' holds " + value(t, at) + " (row "
                        + at / width + ", position " + at % width + "); ids are never negative: the model would count "
                        + "it back from the end of its table (-1 the last row) and answer without an error (padding "
                        + "takes the tokenizer's pad id, usually 0)");
            }
        }
        HostTensor mask = inputs.get(MASK);
        if (isTokenMatrix(mask)) {
            int at = firstWhere(mask, v -> v != 0 && v != 1);
            if (at >= 0) {
                long width = mask.shape()[1];
                throw new InvalidInputException(model + ": input '" + MASK + "' holds " + value(mask, at) + " (row "
                        + at / width + ", position " + at % width + "); a mask holds 1 for a token and 0 for padding "
                        + "(token ids given as the mask?)");
            }
        }
    }

    /** An integer {@code [batch, tokens]} tensor: the layout these checks read (others are the model's to take). */
    private static boolean isTokenMatrix(HostTensor t) {
        return t != null && t.shape().length == 2 && (t.type() == ElementType.INT64 || t.type() == ElementType.INT32);
    }

    private static long value(HostTensor t, int at) {
        return t.type() == ElementType.INT64 ? t.longs()[at] : t.ints()[at];
    }

    /** The first element of an integer tensor that {@code bad} holds for, or -1. */
    private static int firstWhere(HostTensor t, LongPredicate bad) {
        if (t.type() == ElementType.INT64) {
            long[] v = t.longs();
            for (int i = 0; i < v.length; i++) {
                if (bad.test(v[i])) {
                    return i;
                }
            }
        } else {
            int[] v = t.ints();
            for (int i = 0; i < v.length; i++) {
                if (bad.test(v[i])) {
                    return i;
                }
            }
        }
        return -1;
    }
}
