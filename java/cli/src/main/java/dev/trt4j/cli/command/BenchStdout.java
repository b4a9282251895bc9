package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.cli.JsonOutput;
import dev.trt4j.timing.SpeedupTable;
import dev.trt4j.timing.SpeedupTableText;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code trt4j bench} prints on stdout: the text report, or the one document an output option given {@code -}
 * prints there instead ({@code --json -}'s times, {@code --summary-json -}'s summary, or the speedup table of
 * {@code --markdown -}, {@code --csv -} or {@code --table-json -}). Without this '-' was a file named {@code -} for
 * the table options, and {@code -.model.fp32.b1.json} for {@code --export-profile}.
 */
final class BenchStdout {
    /** The value that stands for standard output. */
    static final String DASH = "-";

    /** The option whose document stdout carries; null for the text report. */
    private final String option;

    private BenchStdout(String option) {
        this.option = option;
    }

    /**
     * Decides what stdout carries.
     *
     * @param outputs       every option that takes {@code -}, by name, with its value as given (null where not given),
     *                      in the order a refusal names two of them
     * @param exportProfile {@code --export-profile}'s value as given, null where not given
     * @throws InvalidOptionException where two options are {@code -} (stdout holds one document), or
     *                                {@code --export-profile} is (it writes one file per run)
     */
    static BenchStdout of(Map<String, String> outputs, String exportProfile) {
        if (DASH.equals(exportProfile)) {
            throw new InvalidOptionException("--export-profile writes one file per run, so it takes no - for stdout; "
                    + "give a FILE (--dump-profile prints the profile)");
        }
        List<String> dashed = outputs.entrySet().stream().filter(e -> DASH.equals(e.getValue()))
                .map(Map.Entry::getKey).toList();
        if (dashed.size() > 1) {
            throw new InvalidOptionException(dashed.get(0) + " - and " + dashed.get(1) + " - both print on stdout; "
                    + "give one of them a FILE");
        }
        return new BenchStdout(dashed.isEmpty() ? null : dashed.get(0));
    }

    /**
     * The options {@link #of} judges, in the order it names them, each with its value as given (null where not
     * given).
     */
    static Map<String, String> outputs(Object json, Object summaryJson, Object markdown, Object csv, Object tableJson) {
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("--json", text(json));
        outputs.put("--summary-json", text(summaryJson));
        outputs.put("--markdown", text(markdown));
        outputs.put("--csv", text(csv));
        outputs.put("--table-json", text(tableJson));
        return outputs;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** Whether stdout carries the text report, not a document that replaces it. */
    boolean textReport() {
        return option == null;
    }

    /** Whether {@code name} (e.g. {@code --csv}) was given {@code -}. */
    boolean holds(String name) {
        return name.equals(option);
    }

    /** The option given {@code -}, or null where stdout carries the text report. */
    String option() {
        return option;
    }

    /**
     * The speedup table as the option on stdout writes it, the same text its file would hold; null where stdout
     * holds no table option.
     */
    String table(SpeedupTable table) {
        if (option == null || table == null) {
            return null;
        }
        return switch (option) {
            case "--markdown" -> SpeedupTableText.markdown(table);
            case "--csv" -> SpeedupTableText.csv(table);
            case "--table-json" -> JsonOutput.forStdout(SpeedupTableText.json(table));
            default -> null;
        };
    }
}
