package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;

import java.util.Locale;

/**
 * How an INT8 engine gets its ranges. {@link #IMPLICIT}: TensorRT 10's calibrator interface (deprecated since
 * 10.1, removed in 11). {@link #EXPLICIT}: a strongly typed build of a model that carries Q/DQ nodes (what
 * {@code trt4j quantize} writes), the only INT8 route on TensorRT 11.
 */
public enum Int8Mode {
    /** Ranges from a calibrator or a calibration cache, with the {@code kINT8} builder flag. */
    IMPLICIT,
    /** Ranges from the model's own Q/DQ nodes, in a strongly typed build. */
    EXPLICIT;

    /** The spelling on the command line: {@code implicit}, {@code explicit}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a command-line spelling.
     *
     * @throws InvalidOptionException naming the accepted values
     */
    public static Int8Mode fromCli(String text) {
        for (Int8Mode m : values()) {
            if (m.cliName().equalsIgnoreCase(text.trim())) {
                return m;
            }
        }
        throw new InvalidOptionException("unknown INT8 mode '" + text + "'; use implicit|explicit");
    }
}
