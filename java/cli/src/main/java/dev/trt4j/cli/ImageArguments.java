package dev.trt4j.cli;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.data.DataOptions;
import dev.trt4j.data.image.ImagePreprocessing;
import dev.trt4j.data.image.ImagePreprocessing.ChannelOrder;
import dev.trt4j.data.image.ImagePreprocessing.ResizeMode;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The options that adjust how images (a folder, or rendered text) become a tensor, on top of the preset that
 * {@code --preprocess} or the model picks: {@code --preprocess}, {@code --mean}, {@code --std},
 * {@code --channel-order} and {@code --resize}. Part of {@link DataArguments}.
 */
public final class ImageArguments {
    @Option(names = "--preprocess", paramLabel = "PRESET",
            description = "Image preprocessing preset: imagenet, ppocr-cls, ppocr-rec, ppocr-det (default: "
                    + "PaddleOCR's for PP-OCR-shaped models, images or rendered text alike; else imagenet). Refused "
                    + "for data that is not images or rendered text, as are --mean, --std, --channel-order and "
                    + "--resize.")
    String preprocess;

    // a comma-separated string, not a split array: picocli shows an array option as repeatable ("..."), and joins
    // the values of repeats, where a repeat here is a mistake (picocli refuses a second one)
    @Option(names = "--mean", paramLabel = "M,M,M",
            description = "Images: mean of each tensor channel on the 0-1 scale, subtracted from pixel/255 (default: "
                    + "the preset's; e.g. 0,0,0 with --std 1,1,1 for plain pixel/255).")
    String mean;

    @Option(names = "--std", paramLabel = "S,S,S",
            description = "Images: standard deviation of each tensor channel on the 0-1 scale (default: the "
                    + "preset's).")
    String std;

    @Option(names = "--channel-order", paramLabel = "rgb|bgr",
            description = "Images: channel order in the tensor (default: the preset's; PaddleOCR's are bgr).")
    String channelOrder;

    @Option(names = "--resize", paramLabel = "MODE",
            description = "Images: stretch (to the input's size), pad (keep the aspect, fit the height, pad on "
                    + "the right), or crop (keep the aspect, cover, crop the centre) (default: the preset's).")
    String resize;

    /** The first image option given, as typed for a message (e.g. {@code --preprocess imagenet}), if any. */
    Optional<String> firstGiven() {
        if (preprocess != null) {
            return Optional.of("--preprocess " + preprocess);
        }
        return mean != null ? Optional.of("--mean") : std != null ? Optional.of("--std")
                : channelOrder != null ? Optional.of("--channel-order " + channelOrder)
                : resize != null ? Optional.of("--resize " + resize) : Optional.empty();
    }

    /**
     * The {@code --preprocess} preset, or null.
     *
     * @throws InvalidOptionException for a name that is no preset
     */
    ImagePreprocessing preset() {
        try {
            return preprocess == null ? null : ImagePreprocessing.preset(preprocess);
        } catch (Trt4jException e) {
            throw new InvalidOptionException("--preprocess " + preprocess + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code options} with {@code --mean}, {@code --std}, {@code --channel-order} and {@code --resize} applied to the
     * preprocessing already chosen (ImageNet's where none is).
     *
     * @throws InvalidOptionException if a value is malformed
     */
    DataOptions apply(DataOptions options) {
        if (mean == null && std == null && channelOrder == null && resize == null) {
            return options;
        }
        ImagePreprocessing p = options.imagePreprocessing() != null ? options.imagePreprocessing()
                : ImagePreprocessing.imageNet();
        return options.toBuilder().imagePreprocessing(new ImagePreprocessing(p.height(), p.width(),
                resize == null ? p.resizeMode() : resizeMode(resize), p.padValue(), p.scale(),
                mean == null ? p.mean() : threeValues("--mean", mean, false),
                std == null ? p.std() : threeValues("--std", std, true),
                channelOrder == null ? p.channelOrder() : order(channelOrder), p.layout())).build();
    }

    private static float[] threeValues(String option, String text, boolean divisor) {
        String[] parts = text.split(",", -1);
        if (parts.length != 3) {
            throw new InvalidOptionException(option + " needs 3 values, one per channel in the tensor's order, got "
                    + parts.length + " ('" + text + "')" + decimalPointHint(option, parts));
        }
        float[] values = new float[3];
        for (int i = 0; i < 3; i++) {
            try {
                values[i] = Float.parseFloat(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new InvalidOptionException(option + " " + text + ": '" + parts[i] + "' is not a number");
            }
            // the value as typed: Java's reading of it (0.0 for 0, Infinity for 1e99) is not what the user wrote
            if (!Float.isFinite(values[i]) || divisor && values[i] == 0) {
                throw new InvalidOptionException(option + " " + text + ": each value must be finite"
                        + (divisor ? " and not 0" : "") + ", got '" + parts[i].strip() + "'");
            }
        }
        return values;
    }

    /**
     * {@code "; write them with a decimal point (--mean 0.5,0.5,0.5)"} where {@code parts}, six, pair up as three
     * numbers written with a decimal comma ({@code 0,5,0,5,0,5}, as German or French write them), else an empty
     * string: the split on commas made six values of three.
     */
    private static String decimalPointHint(String option, String[] parts) {
        if (parts.length != 6) {
            return "";
        }
        StringJoiner values = new StringJoiner(",");
        for (int i = 0; i < parts.length; i += 2) {
            String value = parts[i].strip() + "," + parts[i + 1].strip();
            if (!DecimalValue.isDecimalComma(value)) {
                return "";
            }
            values.add(value.replace(',', '.'));
        }
        return "; write them with a decimal point (" + option + " " + values + ")";
    }

    private static ChannelOrder order(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "rgb" -> ChannelOrder.RGB;
            case "bgr" -> ChannelOrder.BGR;
            default -> throw new InvalidOptionException("--channel-order " + value + ": expected rgb or bgr");
        };
    }

    private static ResizeMode resizeMode(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "stretch" -> ResizeMode.STRETCH;
            case "pad" -> ResizeMode.KEEP_ASPECT_PAD_RIGHT;
            case "crop" -> ResizeMode.KEEP_ASPECT_CENTER_CROP;
            default -> throw new InvalidOptionException("--resize " + value + ": expected stretch, pad or crop");
        };
    }
}
