package dev.trt4j.cli.command;

import dev.trt4j.ControlCharacters;
import dev.trt4j.InvalidOptionException;
import dev.trt4j.Trt4jException;
import dev.trt4j.io.FileIdentity;
import dev.trt4j.table.CalibrationFile;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.SignedInt8Ranges;
import dev.trt4j.table.SubnormalScales;
import dev.trt4j.table.TensorRtCalibrationCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code trt4j cache convert}: TensorRT calibration cache to trt4j table and back, by the input's content. */
@Command(name = "convert", sortOptions = false,
        description = {"Converts a TensorRT calibration cache to a trt4j calibration table (JSON), or a table to a "
                + "cache; the direction follows the input's content. The output is written whole or not at all."})
public final class CacheConvertCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IN", description = "A TensorRT calibration cache or a trt4j table (.json).")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "OUT",
            description = "The file to write: a .json name for a table, any other name for a cache.")
    Path out;

    @Option(names = "--trt-version", paramLabel = "VERSION",
            description = "Table to cache: TensorRT version for the header, as 10.15.1 or 101501 "
                    + "(default: the table's own if it came from a cache, else 10.15.1).")
    String trtVersion;

    @Option(names = "--algorithm", paramLabel = "NAME",
            description = "Table to cache: header algorithm, EntropyCalibration2 or MinMaxCalibration "
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
            requireOutExtension(true);
            CalibrationTable table = naming(in, () -> input.asTable(spec.commandLine().getErr()));
            table.write(out);
            report(table.size(), "calibration table");
            warnOfUnknownVersion(input.cache());
            List<String> inexact = input.cache().scalesNoAmaxGives();
            if (!inexact.isEmpty()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("trt4j: warning: " + inexact.size() + " of " + table.size() + " scales in " + in
                        + " are not amax / 127 for any float32 amax (first: '"
                        + ControlCharacters.escape(inexact.get(0)) + "'), as TensorRT and trt4j never write them; "
                        + "converted back, these scales move by one unit in the last place");
                err.flush();
            }
        } else {
            requireOutExtension(false);
            // the cache would hold amax / 127 of another grid's amax, which quantize and build take as INT8 ranges
            SignedInt8Ranges.require(input.table(), in.toString(), "a TensorRT cache holds signed INT8 scales");
            int version;
            if (trtVersion != null) {
                try {
                    version = TensorRtCalibrationCache.parseVersion(trtVersion);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--trt-version " + e.getMessage());
                }
            } else {
                // the version kept from the cache the table came from; a hand-edited one is named with its field
                version = naming(in, () -> TensorRtCalibrationCache.keptHeader(input.table())
                        .map(TensorRtCalibrationCache.Header::version)
                        .orElse(TensorRtCalibrationCache.DEFAULT_VERSION));
            }
            TensorRtCalibrationCache cache = naming(in, () -> TensorRtCalibrationCache.fromTable(input.table(),
                    version, algorithm == null ? TensorRtCalibrationCache.defaultAlgorithm(input.table())
                            : knownAlgorithm()));
            cache.write(out);
            report(cache.scaleBitsByTensor().size(), cache.header() + " cache");
            Map<String, Float> tiny = SubnormalScales.of(input.table().amaxByTensor());
            if (!tiny.isEmpty()) {
                // as quantize warns: TensorRT reads a subnormal scale, or one that underflowed to 0, as no range
                PrintWriter err = spec.commandLine().getErr();
                err.println("trt4j: warning: " + in + ": " + SubnormalScales.warning(tiny));
                err.flush();
            }
        }
        return 0;
    }

    /**
     * Names a header version no TensorRT has ({@code TRT-1015-...}, a hand edit or another tool's): the table keeps
     * it, and converting the table back refuses it, so the user learns of it now rather than at that later step.
     */
    private void warnOfUnknownVersion(TensorRtCalibrationCache cache) {
        if (!TensorRtCalibrationCache.isVersionNumber(cache.version())) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("trt4j: warning: " + in + ": header " + ControlCharacters.escape(cache.header()) + ": "
                    + cache.version() + " is no TensorRT version (NV_TENSORRT_VERSION, such as 8601 or 101501); the "
                    + "table keeps it, and converting the table back to a cache needs --trt-version");
            err.flush();
        }
    }

    /** {@code convert}'s result; a value the other format cannot hold is reported with the file it came from. */
    private static <T> T naming(Path file, java.util.function.Supplier<T> convert) {
        try {
            return convert.get();
        } catch (IllegalArgumentException e) {
            throw new Trt4jException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Other tools pick the reader by extension, so a table named {@code .cache} or a cache named {@code .json} would
     * be misread later; the name is checked once the input has decided the direction, before anything is written.
     */
    private void requireOutExtension(boolean writesTable) {
        if (java.nio.file.Files.isDirectory(out)) {
            // said as it is: asking for another extension would have the user rename a folder
            throw new ParameterException(spec.commandLine(), "--out " + out + ": is a folder; give the file to write "
                    + "(" + (writesTable ? "a .json name" : "such as model.cache") + ")");
        }
        boolean json = out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        if (writesTable && !json) {
            throw new ParameterException(spec.commandLine(), "--out " + out + ": " + in + " is a cache and converts "
                    + "to a calibration table (JSON); give --out a .json name");
        }
        if (!writesTable && json) {
            throw new ParameterException(spec.commandLine(), "--out " + out + ": " + in + " is a table and converts "
                    + "to a TensorRT calibration cache, not JSON; give --out a name not ending in .json, such as "
                    + "model.cache");
        }
    }

    /**
     * TensorRT reads a cache back only when its header names the calibrator reading it, so a made-up token would
     * give a cache every build ignores. Matched case-insensitively and written in TensorRT's spelling.
     */
    private String knownAlgorithm() {
        return TensorRtCalibrationCache.KNOWN_ALGORITHMS.stream().filter(a -> a.equalsIgnoreCase(algorithm))
                .findFirst().orElseThrow(() -> new ParameterException(spec.commandLine(), "--algorithm '"
                        + algorithm + "' is not a token of the calibrators trt4j builds with (a cache read back needs "
                        + "its calibrator's token); use one of "
                        + String.join(", ", TensorRtCalibrationCache.KNOWN_ALGORITHMS)));
    }

    /** Writing over the input would destroy it whatever the direction, so even a link to it is refused. */
    private void requireOutputIsNotInput() {
        if (FileIdentity.same(in, out)) {
            throw new InvalidOptionException(out + ": --out is the input; write the converted file elsewhere");
        }
    }

    private void report(int tensors, String what) {
        spec.commandLine().getOut().println("wrote " + what + " with " + tensors + (tensors == 1 ? " tensor" : " tensors")
                + " to " + out);
    }
}
