package dev.trt4j.tensor;

import dev.trt4j.InvalidInputException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

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
            if (t == null || t.shape().length != 2
                    || (t.type() != ElementType.INT64 && t.type() != ElementType.INT32)) {
                continue;
            }
            long width = t.shape()[1];
            if (width == 0 && t.shape()[0] > 0) {
                throw new InvalidInputException(model + ": input '" + name + "' holds no tokens (shape "
                        + Arrays.toString(t.shape()).replace(" ", "") + "); give at least one token a row");
            }
            int at = firstNegative(t);
            if (at >= 0) {
                long id = t.type() == ElementType.INT64 ? t.longs()[at] : t.ints()[at];
                throw new InvalidInputException(model + ": input '" + name + "' holds " + id + " (row " + at / width
                        + ", position " + at % width + "); ids are never negative: the model would count it back "
                        + "from the end of its table (-1 the last row) and answer without an error (padding takes the "
                        + "tokenizer's pad id, usually 0)");
            }
        }
        HostTensor mask = inputs.get(MASK);
        if (mask != null && mask.shape().length == 2
                && (mask.type() == ElementType.INT64 || mask.type() == ElementType.INT32)) {
            long width = mask.shape()[1];
            long[] longs = mask.type() == ElementType.INT64 ? mask.longs() : null;
            int[] ints = longs == null ? mask.ints() : null;
            int n = longs != null ? longs.length : ints.length;
            for (int i = 0; i < n; i++) {
                long v = longs != null ? longs[i] : ints[i];
                if (v != 0 && v != 1) {
                    throw new InvalidInputException(model + ": input '" + MASK + "' holds " + v + " (row " + i / width
                            + ", position " + i % width + "); a mask holds 1 for a token and 0 for padding (token "
                            + "ids given as the mask?)");
                }
            }
        }
    }

    private static int firstNegative(HostTensor t) {
        if (t.type() == ElementType.INT64) {
            long[] v = t.longs();
            for (int i = 0; i < v.length; i++) {
                if (v[i] < 0) {
                    return i;
                }
            }
        } else {
            int[] v = t.ints();
            for (int i = 0; i < v.length; i++) {
                if (v[i] < 0) {
                    return i;
                }
            }
        }
        return -1;
    }
}
