package dev.trt4j.cli.command;

import dev.trt4j.Trt4jException;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.TensorRtCalibrationCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code trt4j cache convert}: TensorRT calibration cache to trt4j table and back, by the input's content. */
@Command(name = "convert", sortOptions = false,
        description = {"Converts a TensorRT calibration cache to a trt4j calibration table (JSON), or a table to a "
                + "cache; the direction follows the input's content. The output is written whole or not at all."})
public final class CacheConvertCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IN", description = "A TensorRT calibration cache or a trt4j table (.json).")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "The file to write.")
    Path out;

    @Option(names = "--trt-version", paramLabel = "VERSION",
            description = "Table to cache: TensorRT version for the header, as 10.15.1 or 101501 "
                    + "(default: the table's own if it came from a cache, else 10.15.1).")
    String trtVersion;

    @Option(names = "--algorithm", paramLabel = "NAME",
            description = "Table to cache: header algorithm, for example EntropyCalibration2 or MinMaxCalibration "
                    + "(default: the table's own if it came from a cache, MinMaxCalibration for method max, "
                    + "else EntropyCalibration2).")
    String algorithm;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        requireOutputIsNotInput();
        CalibrationFile input = CalibrationFile.read(in);
        if (input.isCache()) {
            if (trtVersion != null || algorithm != null) {
                throw new ParameterException(spec.commandLine(), "--trt-version and --algorithm set the header "
                        + "of a cache; " + in + " is already a cache and converts to a table");
            }
            CalibrationTable table = input.cache().toTable(in.getFileName().toString());
            table.write(out);
            report(table.size(), "calibration table");
        } else {
            TensorRtCalibrationCache defaults = TensorRtCalibrationCache.fromTable(input.table());
            int version = defaults.version();
            if (trtVersion != null) {
                try {
                    version = TensorRtCalibrationCache.parseVersion(trtVersion);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--trt-version: " + e.getMessage());
                }
            }
            if (algorithm != null && !algorithm.matches("\\S+")) {
                throw new ParameterException(spec.commandLine(), "--algorithm must be one word, got '" + algorithm
                        + "'");
            }
            TensorRtCalibrationCache cache = TensorRtCalibrationCache.fromTable(input.table(), version,
                    algorithm == null ? defaults.algorithm() : algorithm);
            cache.write(out);
            report(cache.scaleBitsByTensor().size(), cache.header() + " cache");
        }
        return 0;
    }

    /** Writing over the input would destroy it whatever the direction, so even a link to it is refused. */
    private void requireOutputIsNotInput() {
        try {
            if (Files.exists(in) && Files.exists(out) && Files.isSameFile(in, out)) {
                throw new Trt4jException(out + ": --out is the input; write the converted file elsewhere");
            }
        } catch (IOException e) {
            throw new Trt4jException(out + ": cannot compare with the input " + in + ": " + e.getMessage(), e);
        }
    }

    private void report(int tensors, String what) {
        spec.commandLine().getOut().println("wrote " + what + " with " + tensors + (tensors == 1 ? " tensor" : " tensors")
                + " to " + out);
    }
}
