package dev.trt4j.data.text;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.tensor.TensorSpec;

/**
 * The image sides a PP-OCR text detector ({@link OcrModelRole#TEXT_DETECTOR}) takes: multiples of {@value #STRIDE}.
 * It halves them five times and adds the maps of each level to the next one up, so another side runs into ONNX
 * Runtime as a broadcast error deep in the graph ("13 by 14"); PaddleOCR rounds every page to such a size. Every
 * path that feeds a detector (its data of any kind, bench's shapes) refuses another size here, in one line.
 *
 * <p>Only the sides the model leaves open are held to this: a side the model fixes is its own to choose (a model
 * with a probability-map output need not be PP-OCR's).
 */
public final class DetectorSides {
    /** A detector's side is divided by 2 five times over. */
    public static final int STRIDE = 32;

    private DetectorSides() {
    }

    /**
     * Refuses open sides that are no multiples of {@value #STRIDE}, as a usage error: the size came from an option
     * ({@code --shapes}, a preset's size).
     *
     * @param subject what the message starts with: the data or the model, as the user gave it
     * @param input   the detector's image input {@code [N,3,H,W]}
     * @param height  the height it is to get
     * @param width   the width it is to get
     * @throws InvalidOptionException naming the input, the size and the nearest size it takes
     */
    public static void require(String subject, TensorSpec input, long height, long width) {
        if (!fits(input, height, width)) {
            throw new InvalidOptionException(refusal(subject, input, height, width) + " (set the size with --shapes)");
        }
    }

    /**
     * As {@link #require}, for a size that data arrays ({@code .npy}, {@code .npz}) hold: a failure found in a file,
     * which no option changes.
     *
     * @throws Trt4jException naming the input, the size and the nearest size it takes
     */
    public static void requireOfArrays(String subject, TensorSpec input, long height, long width) {
        if (!fits(input, height, width)) {
            throw new Trt4jException(refusal(subject, input, height, width) + " (resize the arrays)");
        }
    }

    /** {@code side} rounded up to a multiple of {@value #STRIDE}. */
    public static int roundUp(int side) {
        return (side + STRIDE - 1) / STRIDE * STRIDE;
    }

    private static boolean fits(TensorSpec input, long height, long width) {
        return !(openHeight(input) && height % STRIDE != 0 || openWidth(input) && width % STRIDE != 0);
    }

    private static String refusal(String subject, TensorSpec input, long height, long width) {
        return subject + ": model input '" + input.name() + "' is given " + height + "x" + width + " images, but a "
                + "text detector takes sides that are multiples of " + STRIDE + " (it halves them five times, and "
                + "PaddleOCR rounds them so); nearest: " + (openHeight(input) ? nearest(height) : height) + "x"
                + (openWidth(input) ? nearest(width) : width);
    }

    private static boolean openHeight(TensorSpec input) {
        return input.rank() == 4 && input.dims()[2] < 0;
    }

    private static boolean openWidth(TensorSpec input) {
        return input.rank() == 4 && input.dims()[3] < 0;
    }

    private static long nearest(long side) {
        return Math.max(STRIDE, Math.round(side / (double) STRIDE) * STRIDE);
    }
}
