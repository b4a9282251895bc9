package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.data.Batch;
import dev.trt4j.tensor.HostTensor;

import java.util.Optional;

/**
 * The token positions a text model's {@code attention_mask} keeps ({@code [batch, tokens]}, non-zero kept): where
 * padding sits, so that outputs are judged on the tokens a model reads, as the sentence embedding is pooled.
 */
final class TokenMask {
    /** The input that marks real tokens (1) and padding (0), as Hugging Face tokenizers make it. */
    static final String INPUT = "attention_mask";

    private final long[] shape;
    private final boolean[] kept;
    private final int keptCount;

    private TokenMask(long[] shape, boolean[] kept) {
        this.shape = shape;
        this.kept = kept;
        int count = 0;
        for (boolean k : kept) {
            count += k ? 1 : 0;
        }
        this.keptCount = count;
    }

    /**
     * The mask of {@code batch}, if it feeds an {@code attention_mask} of shape {@code [batch, tokens]}.
     *
     * @throws Trt4jException if that input is not of an integer or float type, or a row keeps no token (a sample the
     *                        model reads nothing of would be judged on nothing, and score perfectly)
     */
    static Optional<TokenMask> of(Batch batch) {
        return of(batch, 0);
    }

    /** As {@link #of(Batch)}, naming a row that keeps no token as sample {@code firstSample + row} of the data. */
    static Optional<TokenMask> of(Batch batch, long firstSample) {
        HostTensor m = batch.inputs().get(INPUT);
        if (m == null || m.shape().length != 2) {
            return Optional.empty();
        }
        boolean[] kept = new boolean[Math.toIntExact(m.elementCount())];
        switch (m.type()) {
            case INT64 -> {
                long[] v = m.longs();
                for (int i = 0; i < kept.length; i++) {
                    kept[i] = v[i] != 0;
                }
            }
            case INT32 -> {
                int[] v = m.ints();
                for (int i = 0; i < kept.length; i++) {
                    kept[i] = v[i] != 0;
                }
            }
            case FLOAT32 -> {
                float[] v = m.floats();
                for (int i = 0; i < kept.length; i++) {
                    kept[i] = v[i] != 0;
                }
            }
            default -> throw new Trt4jException("input '" + INPUT + "' is " + m.type() + "; expected an integer mask");
        }
        int tokens = (int) m.shape()[1];
        for (int row = 0; row * tokens < kept.length; row++) {
            boolean any = false;
            for (int t = 0; t < tokens && !any; t++) {
                any = kept[row * tokens + t];
            }
            if (!any) {
                throw new Trt4jException("input '" + INPUT + "' keeps no token of sample " + (firstSample + row)
                        + " (every value 0): the model would read nothing of it; a mask marks real tokens with 1");
            }
        }
        return Optional.of(new TokenMask(m.shape().clone(), kept));
    }

    /** Samples in the batch. */
    long rows() {
        return shape[0];
    }

    /** Token positions per sample. */
    long tokens() {
        return shape[1];
    }

    /** Whether position {@code token} of sample {@code row} is a real token. */
    boolean keeps(int row, int token) {
        return kept[row * (int) shape[1] + token];
    }

    /**
     * Whether the mask describes an output of {@code outputShape}: one of a vector per token, {@code [batch, tokens,
     * ...]} (hidden states, per-token class scores), and so holding padded positions. A {@code [batch, tokens]}
     * output is left whole: its rows are what is compared (a question-answering model's start scores pick a position).
     */
    boolean covers(long[] outputShape) {
        return outputShape.length >= 3 && outputShape[0] == shape[0] && outputShape[1] == shape[1];
    }

    /**
     * The values of an output that {@link #covers} it, without the padded positions: each position's
     * {@code values.length / (batch · tokens)} values are kept or left out together. The array itself where nothing is
     * padded.
     */
    double[] keptValues(double[] values) {
        if (keptCount == kept.length) {
            return values;
        }
        int inner = values.length / kept.length;
        double[] out = new double[keptCount * inner];
        int at = 0;
        for (int p = 0; p < kept.length; p++) {
            if (kept[p]) {
                System.arraycopy(values, p * inner, out, at, inner);
                at += inner;
            }
        }
        return out;
    }
}
