package dev.trt4j.evaluate;

import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.ElementType;
import dev.trt4j.tensor.HostTensor;
import dev.trt4j.tensor.ShapeText;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * Accumulates an {@link OutputComparison} of one output batch by batch, holding only running sums, so memory
 * does not grow with the number of samples. Not thread-safe.
 */
final class OutputComparator {
    /** Denominator floor of the relative error. */
    public static final double RELATIVE_ERROR_FLOOR = 1e-3;
    /** How far a row sum may stray from 1 for the row to count as a probability distribution. */
    private static final double PROBABILITY_TOLERANCE = 1e-3;

    private final String output;
    private long elements;
    private double dot;
    private double referenceSquares;
    private double candidateSquares;
    private double errorSquares;
    private double absoluteErrors;
    private double maxAbsolute;
    private double maxRelative;
    private long rows;
    private long agreeingRows;
    private boolean probabilityRows = true;
    private boolean singleProbability;

    /** @param output the output's name, used in the result */
    public OutputComparator(String output) {
        this.output = Objects.requireNonNull(output, "output");
    }

    /**
     * Adds one batch of this output from both models.
     *
     * @throws Trt4jException if the two tensors have different shapes
     */
    public void add(HostTensor reference, HostTensor candidate) {
        add(reference, candidate, null);
    }

    /**
     * As {@link #add(HostTensor, HostTensor)}, leaving out the padded positions of {@code mask} where it
     * {@linkplain TokenMask#covers covers} the output (null: none): padding is not what a model is judged on, and
     * a quantized model's padded hidden states can differ wildly without changing what it computes.
     */
    void add(HostTensor reference, HostTensor candidate, TokenMask mask) {
        if (!Arrays.equals(reference.shape(), candidate.shape())) {
            throw new Trt4jException("output '" + output + "' has shape " + ShapeText.of(reference.shape())
                    + " in the reference model but " + ShapeText.of(candidate.shape()) + " in the candidate");
        }
        if ((reference.type() == ElementType.FLOAT32) != (candidate.type() == ElementType.FLOAT32)) {
            // scores against ids (say) would be compared as numbers and read as a poor model, not as another model
            throw new Trt4jException("output '" + output + "' is " + reference.type() + " in the reference model but "
                    + candidate.type() + " in the candidate");
        }
        long[] shape = reference.shape();
        int rowLength = shape.length >= 2 ? (int) shape[shape.length - 1] : 0;
        if (mask != null && mask.covers(shape)) {
            add(mask.keptValues(values(reference)), mask.keptValues(values(candidate)), rowLength);
        } else {
            add(values(reference), values(candidate), rowLength);
        }
    }

    /**
     * Adds values of both models, row-major; {@code rowLength} is the last dimension (class scores), or 0 when
     * the output has no class dimension.
     */
    public void add(float[] reference, float[] candidate, int rowLength) {
        add(widen(reference), widen(candidate), rowLength);
    }

    /**
     * As {@link #add(float[], float[], int)}, in doubles: every float, and every integer output up to 2^53, exactly
     * (in float32 the int64 ids 16777217 and 16777216 would be one value, and their difference none).
     */
    void add(double[] reference, double[] candidate, int rowLength) {
        if (reference.length != candidate.length) {
            throw new IllegalArgumentException("reference has " + reference.length + " values, candidate "
                    + candidate.length);
        }
        for (int i = 0; i < reference.length; i++) {
            double r = reference[i];
            double c = candidate[i];
            double e = Math.abs(r - c);
            dot += r * c;
            referenceSquares += r * r;
            candidateSquares += c * c;
            errorSquares += e * e;
            absoluteErrors += e;
            maxAbsolute = Math.max(maxAbsolute, e); // NaN propagates: Math.max(x, NaN) is NaN
            maxRelative = Math.max(maxRelative, e / Math.max(Math.abs(r), RELATIVE_ERROR_FLOOR));
        }
        elements += reference.length;
        if (rowLength >= 2 && reference.length % rowLength == 0) {
            for (int start = 0; start < reference.length; start += rowLength) {
                final int row = start;
                int best = argmax(k -> reference[k], row, rowLength);
                if (best < 0) {
                    continue; // a reference row holding NaN gives no answer to agree with: not counted at all
                }
                rows++;
                if (sameTopClass(reference, best, candidate, start, rowLength)) {
                    agreeingRows++;
                }
                probabilityRows &= isProbabilityRow(reference, start, rowLength);
            }
        } else if (rowLength == 1) {
            // One probability per row (a sigmoid: speech or not, text or not): the decision at 0.5 is the class.
            singleProbability = true;
            for (int i = 0; i < reference.length; i++) {
                if (Double.isNaN(reference[i])) {
                    continue; // no reference decision: not counted
                }
                rows++;
                // a candidate's NaN decides nothing: it agrees with no decision
                if (!Double.isNaN(candidate[i])
                        && (reference[i] >= 0.5) == (candidate[i] >= 0.5)) {
                    agreeingRows++;
                }
                probabilityRows &= reference[i] >= 0 && reference[i] <= 1;
            }
        } else {
            probabilityRows = false;
        }
    }

    /** The comparison of everything added so far. */
    public OutputComparison result() {
        double cosine;
        if (referenceSquares == 0 && candidateSquares == 0) {
            cosine = 1;
        } else if (referenceSquares == 0 || candidateSquares == 0) {
            cosine = 0;
        } else {
            cosine = dot / Math.sqrt(referenceSquares * candidateSquares);
        }
        double snr = errorSquares == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(referenceSquares / errorSquares);
        boolean classScores = rows > 0 && (probabilityRows
                || (!singleProbability && output.toLowerCase(Locale.ROOT).contains("logit")));
        return new OutputComparison(output, elements, cosine, maxAbsolute, maxRelative,
                elements == 0 ? 0 : absoluteErrors / elements, snr,
                classScores ? (double) agreeingRows / rows : null);
    }

    /**
     * Whether the rows pick one class: the same largest index, and a candidate tied at its largest value (a dead
     * layer's all-zero row) only where the reference is tied too, so that a candidate with no answer is not credited
     * wherever the reference happens to pick the first class; a model compared with itself still agrees everywhere.
     * {@code best} is the reference row's class, found by the caller.
     */
    private static boolean sameTopClass(double[] reference, int best, double[] candidate, int start, int length) {
        return best == argmax(k -> candidate[k], start, length)
                && (!tiedAtTop(candidate, start, length, best) || tiedAtTop(reference, start, length, best));
    }

    private static boolean tiedAtTop(double[] values, int start, int length, int best) {
        for (int k = best + 1; k < length; k++) {
            if (values[start + k] == values[start + best]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Index of the first largest value of {@code values[start, start + length)}, or -1 where one is NaN: such a row
     * picks no class (a comparison skips NaN, so a broken model's all-NaN rows would read as class 0 and be credited
     * wherever that is the answer).
     */
    static int argmax(float[] values, int start, int length) {
        return argmax(k -> values[k], start, length);
    }

    private static int argmax(IntToDoubleFunction values, int start, int length) {
        int best = 0;
        for (int k = 0; k < length; k++) {
            double v = values.applyAsDouble(start + k);
            if (Double.isNaN(v)) {
                return -1;
            }
            if (v > values.applyAsDouble(start + best)) {
                best = k;
            }
        }
        return best;
    }

    private static boolean isProbabilityRow(double[] values, int start, int length) {
        double sum = 0;
        for (int k = 0; k < length; k++) {
            double v = values[start + k];
            if (!(v >= 0)) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1) <= PROBABILITY_TOLERANCE;
    }

    private static double[] values(HostTensor t) {
        return switch (t.type()) {
            case FLOAT32 -> widen(t.floats());
            case INT64 -> {
                double[] d = new double[t.longs().length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = t.longs()[i];
                }
                yield d;
            }
            case INT32 -> {
                double[] d = new double[t.ints().length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = t.ints()[i];
                }
                yield d;
            }
            default -> throw new Trt4jException("output tensor of type " + t.type() + " cannot be compared");
        };
    }

    private static double[] widen(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }
}
