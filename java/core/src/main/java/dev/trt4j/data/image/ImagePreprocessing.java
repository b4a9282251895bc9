package dev.trt4j.data.image;

import dev.trt4j.Trt4jException;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How an image becomes a float tensor: resize to {@code height × width}, then for every pixel value
 * {@code v} in 0–255 of output channel {@code c}: {@code (v * scale - mean[c]) / std[c]}.
 *
 * <p>{@code mean} and {@code std} are indexed by output channel, i.e. after {@code channelOrder} is applied.
 * A height or width of 0 means "take it from the model input's shape (or the user's fixed shape)"; where the
 * model fixes a dimension, the model's value is used. {@code padValue} is written as is (after
 * normalisation) into the area that {@link ResizeMode#KEEP_ASPECT_PAD_RIGHT} leaves empty.
 */
public record ImagePreprocessing(int height, int width, ResizeMode resizeMode, float padValue, double scale,
                                 float[] mean, float[] std, ChannelOrder channelOrder, Layout layout) {

    /** How the image is brought to the target size. */
    public enum ResizeMode {
        /** Resize to exactly height × width, ignoring the aspect ratio. */
        STRETCH,
        /**
         * Resize to the target height with the aspect ratio kept; the width is capped at the target width
         * (longer images are squeezed) and the rest on the right is {@code padValue}. This is PP-OCR's cls/rec
         * resize.
         */
        KEEP_ASPECT_PAD_RIGHT,
        /** Resize with the aspect ratio kept until the image covers the target, then crop the centre. */
        KEEP_ASPECT_CENTER_CROP
    }

    /** Order of the three colour channels in the tensor. */
    public enum ChannelOrder {
        /** Red, green, blue: the order of most ImageNet classifiers. */
        RGB,
        /** Blue, green, red: OpenCV's order, which PaddleOCR's models take. */
        BGR
    }

    /** Tensor layout: channels before ({@code [N,C,H,W]}) or after ({@code [N,H,W,C]}) the pixels. */
    public enum Layout {
        /** {@code [N,C,H,W]}, channels first. */
        NCHW,
        /** {@code [N,H,W,C]}, channels last. */
        NHWC
    }

    /**
     * Copies {@code mean} and {@code std}.
     *
     * @throws IllegalArgumentException if a size is negative, {@code mean} or {@code std} does not hold 3 values, or
     *                                  a {@code std} value or {@code scale} is zero or not finite
     */
    public ImagePreprocessing {
        Objects.requireNonNull(resizeMode, "resizeMode");
        Objects.requireNonNull(channelOrder, "channelOrder");
        Objects.requireNonNull(layout, "layout");
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("image size must not be negative: " + height + "x" + width);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (one per channel)");
        }
        for (float s : std) {
            if (!(s != 0 && Float.isFinite(s))) {
                throw new IllegalArgumentException("std values must be finite and non-zero: " + Arrays.toString(std));
            }
        }
        if (!(scale != 0 && Double.isFinite(scale))) {
            throw new IllegalArgumentException("scale must be finite and non-zero: " + scale);
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** ImageNet classifiers: 224×224 centre crop, RGB, {@code (x/255 - mean)/std} with the ImageNet statistics. */
    public static ImagePreprocessing imageNet() {
        return new ImagePreprocessing(224, 224, ResizeMode.KEEP_ASPECT_CENTER_CROP, 0f, 1.0 / 255,
                new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f},
                ChannelOrder.RGB, Layout.NCHW);
    }

    /**
     * The recognizer width when neither the model nor the user fixes it, for the preset by name as for a recognizer
     * recognised by its shape. PaddleOCR's own default is 320, but the rendered lines run to 40 characters, which
     * 320 pixels squeeze to half their width: FP32 PP-OCRv4 then reads a quarter of them, against nearly all at 640.
     */
    public static final int RECOGNIZER_WIDTH = 640;

    /** PP-OCR text-direction classifier: 48×192, BGR, {@code (x/255 - 0.5)/0.5}, aspect kept, right-padded with 0. */
    public static ImagePreprocessing ppOcrClassifier() {
        return ppOcr(192);
    }

    /**
     * PP-OCR text recognizer: height 48, the given width (0: from the model input or fixed shape), otherwise
     * as {@link #ppOcrClassifier()}.
     */
    public static ImagePreprocessing ppOcrRecognizer(int width) {
        return ppOcr(width);
    }

    /**
     * PP-OCR text detector (DBNet): 480×640 unless the model or fixed shape says otherwise (both multiples of 32),
     * BGR, {@code (x/255 - mean)/std} with the ImageNet statistics applied in BGR order, as PaddleOCR does.
     */
    public static ImagePreprocessing ppOcrDetector() {
        return new ImagePreprocessing(480, 640, ResizeMode.STRETCH, 0f, 1.0 / 255,
                new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f},
                ChannelOrder.BGR, Layout.NCHW);
    }

    private static ImagePreprocessing ppOcr(int width) {
        float[] half = {0.5f, 0.5f, 0.5f};
        return new ImagePreprocessing(48, width, ResizeMode.KEEP_ASPECT_PAD_RIGHT, 0f, 1.0 / 255, half, half,
                ChannelOrder.BGR, Layout.NCHW);
    }

    /**
     * A preset by name: {@code imagenet}, {@code ppocr-cls}, {@code ppocr-rec} or {@code ppocr-det}.
     *
     * @throws Trt4jException for any other name, listing the known ones
     */
    public static ImagePreprocessing preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "imagenet" -> imageNet();
            case "ppocr-cls" -> ppOcrClassifier();
            // a width the model fixes replaces it, as it replaces every preset's size
            case "ppocr-rec" -> ppOcrRecognizer(RECOGNIZER_WIDTH);
            case "ppocr-det" -> ppOcrDetector();
            default -> throw new Trt4jException("unknown image preprocessing '" + name
                    + "' (known: imagenet, ppocr-cls, ppocr-rec, ppocr-det)");
        };
    }

    /** The same preprocessing with another target size. */
    public ImagePreprocessing withSize(int newHeight, int newWidth) {
        return new ImagePreprocessing(newHeight, newWidth, resizeMode, padValue, scale, mean, std, channelOrder,
                layout);
    }

    /** The same preprocessing writing the tensor in another layout ({@code mean} and {@code std} keep their order). */
    public ImagePreprocessing withLayout(Layout newLayout) {
        return new ImagePreprocessing(height, width, resizeMode, padValue, scale, mean, std, channelOrder, newLayout);
    }

    /**
     * A short description for messages and a table's provenance, in the command line's words, e.g.
     * {@code 48x192 pad BGR NCHW, mean 0.5,0.5,0.5, std 0.5,0.5,0.5}; a scale other than 1/255 is added.
     */
    public String describe() {
        String resize = switch (resizeMode) {
            case STRETCH -> "stretch";
            case KEEP_ASPECT_PAD_RIGHT -> "pad";
            case KEEP_ASPECT_CENTER_CROP -> "crop";
        };
        return height + "x" + width + " " + resize + " " + channelOrder + " " + layout + ", mean " + values(mean)
                + ", std " + values(std) + (scale == 1.0 / 255 ? "" : ", scale " + scale);
    }

    private static String values(float[] v) {
        return v[0] + "," + v[1] + "," + v[2];
    }

    /** Per-channel means, in {@link #channelOrder()}; a copy. */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** Per-channel standard deviations, in {@link #channelOrder()}; a copy. */
    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImagePreprocessing p && height == p.height && width == p.width
                && resizeMode == p.resizeMode && Float.compare(padValue, p.padValue) == 0
                && Double.compare(scale, p.scale) == 0 && Arrays.equals(mean, p.mean) && Arrays.equals(std, p.std)
                && channelOrder == p.channelOrder && layout == p.layout;
    }

    @Override
    public int hashCode() {
        return Objects.hash(height, width, resizeMode, padValue, scale, Arrays.hashCode(mean), Arrays.hashCode(std),
                channelOrder, layout);
    }

    @Override
    public String toString() {
        return height + "x" + width + " " + resizeMode + " pad=" + padValue + " scale=" + scale + " mean="
                + Arrays.toString(mean) + " std=" + Arrays.toString(std) + " " + channelOrder + " " + layout;
    }
}
