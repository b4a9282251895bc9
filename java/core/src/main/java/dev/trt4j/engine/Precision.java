package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The precision an engine is built for. */
public enum Precision {
    /** Full precision, no builder flag. */
    FP32,
    /** FP16: the {@code kFP16} builder flag, or a strongly typed build of an FP16 model. */
    FP16,
    /** INT8, implicit (calibrated) or explicit (Q/DQ nodes); see {@link Int8Mode}. */
    INT8;

    /** The spelling on the command line and in sidecars: {@code fp32}, {@code fp16}, {@code int8}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a command-line spelling.
     *
     * @throws Trt4jException naming the accepted values
     */
    public static Precision fromCli(String text) {
        for (Precision p : values()) {
            if (p.cliName().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new InvalidOptionException("unknown precision '" + text + "'; use one of "
                + Arrays.stream(values()).map(Precision::cliName).collect(Collectors.joining("|")));
    }
}
