package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The precision an engine is built for. */
public enum Precision {
    FP32, FP16, INT8;

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
