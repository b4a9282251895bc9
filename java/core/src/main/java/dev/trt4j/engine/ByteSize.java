package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses memory sizes as trtexec's {@code --memPoolSize} does: a number (decimals allowed) with an optional
 * unit {@code B}, {@code K}, {@code M} or {@code G} (binary multiples); a bare number means MiB. And prints a file's
 * size for people ({@link #readable}).
 */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([BKMG]?)(?:I?B)?");

    private ByteSize() {
    }

    /**
     * The number of bytes {@code text} denotes, e.g. {@code 1G} → 1073741824, {@code 512} → 536870912.
     *
     * @param option the option it came from, for error messages
     */
    public static long parse(String option, String text) {
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InvalidOptionException(option + ": '" + text + "' is not a size (e.g. 512M, 1G, 1.5G; a bare "
                    + "number is MiB)");
        }
        double value = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2)) {
            case "B" -> 1L;
            case "K" -> 1L << 10;
            case "G" -> 1L << 30;
            default -> 1L << 20;
        };
        double bytes = value * unit;
        if (bytes < 1 || bytes > Long.MAX_VALUE) {
            throw new InvalidOptionException(option + ": '" + text + "' is out of range");
        }
        return (long) bytes;
    }

    /**
     * {@code bytes} in the largest decimal unit it reaches, with three significant digits, as trt4j prints file
     * sizes beside "2.15 GB": {@code 578 kB}, {@code 23.1 MB}, {@code 2.27 GB}; under 1000, {@code 512 bytes}. A
     * fixed unit printed a 578 KB file as 0.00 GB.
     */
    public static String readable(long bytes) {
        if (bytes < 1000) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes / 1e3;
        int unit = 0;
        // 999.96 kB rounds to "1000 kB": moved on to the next unit, as 1.00 MB
        while (unit < units.length - 1 && value >= 999.5) {
            value /= 1e3;
            unit++;
        }
        String digits = value >= 99.95 ? "%.0f" : value >= 9.995 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, digits + " %s", value, units[unit]);
    }
}
