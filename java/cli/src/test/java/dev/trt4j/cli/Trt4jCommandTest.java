package dev.trt4j.cli;

import dev.trt4j.Trt4jException;
import dev.trt4j.Trt4jVersion;
import dev.trt4j.calibrators.CalibrationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

class Trt4jCommandTest {

    @Test
    void versionNamesTheBuild() {
        CliRun run = CliRun.of("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("trt4j " + Trt4jVersion.get() + System.lineSeparator())
                .doesNotContain("${").doesNotContain("unknown");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "inspect", "calibrate", "amax", "cache", "cache show", "cache convert", "quantize",
        "equalize", "convert", "evaluate", "compare-calibrators", "sensitivity", "report", "build", "doctor", "bench",
        "export-triton"})
    void everyCommandHasHelp(String command) {
        String[] args = (command + " --help").strip().split(" ");
        CliRun run = CliRun.of(args);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: trt4j" + (command.isEmpty() ? "" : " " + command))
                .contains("--verbose");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void optionsAfterTheEndOfOptionsAreNamedAsSuch() {
        CliRun run = CliRun.of("calibrate", "--", "-m.onnx", "--samples", "4", "--out", "x");

        assertThat(run.exitCode()).isEqualTo(2);
        // picocli said "Unknown options: '--samples', '--out'; did you mean --samples?"
        assertThat(run.errLines()).containsExactly("trt4j: '--samples' comes after --, which makes every later "
                + "argument a file name; put the options before --");

        CliRun extraFile = CliRun.of("inspect", "--", "m.onnx", "--x.onnx");
        assertThat(extraFile.exitCode()).isEqualTo(2);
        assertThat(extraFile.err()).as("--x.onnx is no option of inspect: a second file name")
                .doesNotContain("comes after --");
    }

    @Test
    void anArgumentThatIsNotTextInTheSystemsEncodingIsRefused() {
        // how Java hands over a file name in Latin-1 (m\xe9.onnx) under a UTF-8 locale
        CliRun run = CliRun.of("inspect", "m\uFFFD.onnx");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().startsWith("trt4j: argument 'm\uFFFD.onnx' holds U+FFFD, "
                + "which Java puts where bytes are not text in this system's encoding (").endsWith("); rename the file, "
                + "or run in a locale of its encoding");
        CliRun escaped = CliRun.of("inspect", "a\u001b[2Jb\uFFFD.onnx");
        assertThat(escaped.errLines()).singleElement().asString()
                .startsWith("trt4j: argument 'a\\u001b[2Jb\uFFFD.onnx'");
    }

    /** The commands that refuse made-up samples say so, instead of the shared text's random-data fallback. */
    @ParameterizedTest
    @ValueSource(strings = {"build", "convert", "quantize", "equalize"})
    void commandsThatRefuseRandomSamplesDoNotOfferThem(String command) {
        CliRun run = CliRun.of(command, "--help");
        String help = run.out().replaceAll("\\s+", " ");

        assertThat(run.exitCode()).isZero();
        assertThat(help).doesNotContain("else seeded random data").doesNotContain("random data never runs out")
                .doesNotContain("Seed for random data.");
        assertThat(help).contains(switch (command) {
            case "build" -> "A build never falls back to bundled sentences or random data.";
            case "convert" -> "Without it there is no check, and the other data options are refused.";
            default -> "a model that would get random data is refused.";
        });
        CliRun calibrate = CliRun.of("calibrate", "--help");
        assertThat(calibrate.out().replaceAll("\\s+", " ")).as("calibrate keeps the shared text")
                .contains("else seeded random data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cache show", "cache convert", "quantize", ""})
    void helpNamesACommandAtAnyDepth(String command) {
        List<String> args = new ArrayList<>(List.of("help"));
        if (!command.isEmpty()) {
            args.addAll(List.of(command.split(" ")));
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: trt4j" + (command.isEmpty() ? " " : " " + command + " "));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void helpOfAnUnknownCommandIsAUsageErrorNamingIt() {
        CliRun run = CliRun.of("help", "cache", "shwo");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo(
                "trt4j: unknown command 'shwo' after 'trt4j cache'; choose one of show, convert");
        assertThat(run.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "bench --bogus"})
    void helpWithAnOptionIsAUsageErrorNotSilentlyIgnored(String args) {
        List<String> all = new ArrayList<>(List.of("help"));
        all.addAll(List.of(args.split(" ")));
        CliRun run = CliRun.of(all.toArray(String[]::new));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().startsWith("trt4j: Unknown option: '--bogus'");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void evaluateWordsTheSharedEvaluationOptionsForItself() {
        // The options are declared once (EvaluationArguments); evaluate's wording comes from its resource bundle.
        assertThat(CliRun.of("evaluate", "--help").out()).contains("Task metric: auto, none, embedding")
                .contains("ONNX Runtime threads per model").contains("By default graphs run as");
        assertThat(CliRun.of("sensitivity", "--help").out()).contains("Task metric: auto, none (output cosine)")
                .contains("ONNX Runtime threads (default").contains("Off by default: the Q/DQ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"calibrate", "quantize", "evaluate", "equalize", "convert", "compare-calibrators",
        "sensitivity"})
    void sharedDataOptionsSpeakOfBuildOnlyInBuild(String command) {
        assertThat(help(command)).contains("--shapes=SPEC").doesNotContain("optimization profile")
                .doesNotContain("calibration profile");
    }

    @Test
    void buildAndConvertWordShapesForWhatTheyDoWithIt() {
        assertThat(help("build")).contains("Fixed input shapes of one optimization profile")
                .contains("give it once per profile. Calibration samples take the calibration profile's shapes");
        assertThat(help("convert")).contains("With --fp16 --data: the samples' shapes")
                .contains("(--fix-shapes fixes the model's own)");
    }

    @Test
    void runtimeAsksForAnAllTensorsTableOnlyWhereATableIsRead() {
        assertThat(help("quantize")).contains("needs a table from calibrate --all-tensors");
        for (String selfCalibrating : List.of("compare-calibrators", "sensitivity")) {
            assertThat(help(selfCalibrating)).as(selfCalibrating).contains("what ONNX Runtime's CPU kernels fuse)")
                    .doesNotContain("--all-tensors");
        }
    }

    /** Every command's summary reads "Builds…", "Checks…": the form the top-level help lists them in. */
    @Test
    void everyCommandIsDescribedInTheThirdPerson() {
        List<String> descriptions = new ArrayList<>();
        collectDescriptions(Trt4jCommand.newCommandLine(), descriptions);

        assertThat(descriptions).hasSizeGreaterThan(15).allSatisfy(d -> assertThat(d.split(" ")[0]).as(d)
                .endsWith("s"));
    }

    private static void collectDescriptions(CommandLine commandLine, List<String> descriptions) {
        commandLine.getSubcommands().forEach((name, sub) -> {
            descriptions.add(sub.getCommandSpec().usageMessage().description()[0]);
            collectDescriptions(sub, descriptions);
        });
    }

    /** A command's help with its lines joined, so that wrapping does not split what is looked for. */
    private static String help(String command) {
        return CliRun.of(command, "--help").out().replaceAll("\\s+", " ");
    }

    @Test
    void runWritesToTheGivenStreams() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Trt4jCommand.run(new PrintWriter(out), new PrintWriter(err), "--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("amax").contains("cache").contains("build").contains("doctor");
    }

    @Test
    void missingCommandIsAUsageError() {
        CliRun run = CliRun.of();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).isEqualTo("trt4j: missing a command: choose one of inspect, calibrate, amax, "
                + "cache, quantize, equalize, convert, evaluate, compare-calibrators, sensitivity, report, build, "
                + "doctor, bench, export-triton, help");
        CliRun cache = CliRun.of("cache");
        assertThat(cache.exitCode()).isEqualTo(2);
        assertThat(cache.err()).contains("choose one of show, convert");
    }

    /** A word that is no command gets the line `help WORD` gives, not picocli's "Unmatched argument at index 0". */
    @Test
    void anUnknownCommandIsNamedWithTheCommands() {
        CliRun bogus = CliRun.of("bogus");
        assertThat(bogus.exitCode()).isEqualTo(2);
        assertThat(bogus.errLines()).containsExactly("trt4j: unknown command 'bogus' after 'trt4j'; choose one of "
                + "inspect, calibrate, amax, cache, quantize, equalize, convert, evaluate, compare-calibrators, "
                + "sensitivity, report, build, doctor, bench, export-triton, help");
        assertThat(CliRun.of("cache", "bogus").errLines()).containsExactly("trt4j: unknown command 'bogus' after "
                + "'trt4j cache'; choose one of show, convert");
        // a near miss: the commands it may have meant instead of the whole list
        assertThat(CliRun.of("inpsect").errLines()).singleElement().asString()
                .startsWith("trt4j: unknown command 'inpsect' after 'trt4j'; did you mean inspect");
        assertThat(CliRun.of("help", "bogus").errLines()).singleElement().asString()
                .isEqualTo(bogus.errLines().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"calibrate --method max, --out OUT", "calibrate --method=max,entropy, --out OUT",
            "bench missing.onnx --batch 1,8, --shapes x:1x3"})
    void aListEndingInACommaIsAUsageErrorNotAShorterList(String line) {
        // picocli's split drops the empty last item, so these used to run with one value fewer than typed
        String out = System.getProperty("java.io.tmpdir") + "/trt4j-trailing-comma-" + ProcessHandle.current().pid();
        String[] args = line.replace("OUT", out).split(" ");

        CliRun run = CliRun.of(args);

        assertThat(run.exitCode()).isEqualTo(2);
        String value = line.contains("--method=") ? "max,entropy," : line.contains("--batch") ? "1,8," : "max,";
        String option = line.contains("--batch") ? "--batch" : "--method";
        assertThat(run.errLines().get(0)).isEqualTo("trt4j: " + option + " '" + value + "' ends with an empty item; "
                + "separate the values with single commas and give the last one");
        assertThat(java.nio.file.Path.of(out)).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"calibrate --method ,max --out OUT", "calibrate --method max,,entropy --out OUT",
            "compare-calibrators --methods max,,entropy --out OUT", "bench missing.onnx --batch 1,,8 --shapes OUT",
            "bench missing.onnx --percentiles ,50 --shapes OUT"})
    void anEmptyItemAnywhereInAListIsAUsageErrorNamingIt(String line) {
        // a typed list (--batch 1,,8) fails in picocli's conversion first, which said "'' is not an int"
        String out = System.getProperty("java.io.tmpdir") + "/trt4j-empty-item-" + ProcessHandle.current().pid();
        String[] args = line.replace("OUT", out).split(" ");
        String option = args[args.length - 4];
        String value = args[args.length - 3];

        CliRun run = CliRun.of(args);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).isEqualTo("trt4j: " + option + " '" + value + "' "
                + (value.startsWith(",") ? "starts with an empty item" : "has an empty item between two commas")
                + "; separate the values with single commas and give each one");
        assertThat(java.nio.file.Path.of(out)).doesNotExist();
    }

    /** The empty item of a typed list given as --option=value is found in that argument. */
    @Test
    void anEmptyItemOfATypedListGivenWithEqualsIsNamed() {
        CliRun run = CliRun.of("bench", "missing.onnx", "--batch=,4", "--percentiles", "50,90");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: --batch ',4' starts with an empty item; separate the values "
                + "with single commas and give each one");
    }

    @Test
    void unknownOptionIsAUsageErrorWithPicocliMessageAndSuggestion() {
        CliRun run = CliRun.of("amax", "--method", "max", "--tensr=a.npy");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().get(0)).startsWith("trt4j: Unknown option: '--tensr=a.npy'");
        assertThat(run.errLines()).as("one line").hasSize(1);
        assertThat(run.err()).contains("; did you mean --tensor");
        assertThat(run.out()).isEmpty();
    }

    /** amax takes --percentile; calibrate and the study commands take the percentile in the method. */
    @Test
    void aPercentileOptionWhereTheMethodHoldsItPointsToTheMethod() {
        CliRun calibrate = CliRun.of("calibrate", "m.onnx", "--method", "percentile", "--percentile", "99");
        assertThat(calibrate.exitCode()).isEqualTo(2);
        assertThat(calibrate.errLines()).containsExactly("trt4j: Unknown option: '--percentile'; give the percentile "
                + "in the method: --method percentile=99");

        CliRun compare = CliRun.of("compare-calibrators", "m.onnx", "--percentile=99.9");
        assertThat(compare.errLines()).containsExactly("trt4j: Unknown option: '--percentile=99.9'; give the "
                + "percentile in the method: --methods percentile=99.9");
        CliRun comma = CliRun.of("calibrate", "m.onnx", "--percentile", "99,9");
        assertThat(comma.errLines()).as("the value the method takes, not the comma it refuses next")
                .containsExactly("trt4j: Unknown option: '--percentile'; give the percentile in the method: --method "
                        + "percentile=99.9");
        CliRun two = CliRun.of("calibrate", "m.onnx", "--percentile", "99.9,99.99");
        assertThat(two.errLines()).containsExactly("trt4j: Unknown option: '--percentile'; give the percentile in the "
                + "method: --method percentile=99.9,percentile=99.99");

        CliRun amax = CliRun.of("amax", "--method", "percentile", "--percentile", "99", "--tensr=a.npy");
        assertThat(amax.errLines()).singleElement().asString().contains("did you mean --tensor")
                .doesNotContain("give the percentile");
    }

    @Test
    void aMisspeltRequiredOptionIsReportedAsMisspeltNotAsMissing() {
        CliRun run = CliRun.of("quantize", "model.onnx", "--tabel", "max.table.json", "--out", "q.onnx");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: Unknown option: '--tabel'; did you mean --table?");
    }

    @Test
    void anUnknownOptionIsNamedWithoutTheValueThatFollowedIt() {
        CliRun run = CliRun.of("calibrate", "--sampels", "32");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("trt4j: Unknown option: '--sampels'; did you mean --samples?");
    }

    /** A stand-in command that throws what it is told to, to check the exit-code policy for each type. */
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Option(names = "--type")
        String type;

        @Override
        public Integer call() {
            if (type.equals("native")) {
                throw new UnsatisfiedLinkError("/opt/jre/lib/libfontmanager.so: libharfbuzz.so.0: cannot open shared "
                        + "object file: No such file or directory");
            }
            if (type.equals("class")) {
                throw new NoClassDefFoundError("com/example/Helper");
            }
            if (type.equals("internal")) {
                throw new InternalError("Fontconfig head is null");
            }
            throw switch (type) {
                case "trt4j" -> new Trt4jException("model.onnx: no input named 'x'");
                case "calibration" -> new CalibrationException("tensor 'a': no values");
                case "argument" -> new IllegalArgumentException("bad value\nsecond line");
                case "io" -> new UncheckedIOException("disk", new IOException("disk full"));
                default -> new NullPointerException("bug");
            };
        }
    }

    private static CliRun boom(String... args) {
        CommandLine cl = Trt4jCommand.newCommandLine();
        cl.addSubcommand(new CommandLine(new Boom()));
        return CliRun.of(cl, args);
    }

    @Test
    void userErrorsPrintExactlyOneLineAndExitOne() {
        assertThat(boom("boom", "--type", "trt4j").err())
                .isEqualTo("trt4j: model.onnx: no input named 'x'" + System.lineSeparator());
        assertThat(boom("boom", "--type", "calibration").err())
                .isEqualTo("trt4j: tensor 'a': no values" + System.lineSeparator());
        assertThat(boom("boom", "--type", "argument").err())
                .isEqualTo("trt4j: bad value second line" + System.lineSeparator());
        CliRun io = boom("boom", "--type", "io");
        assertThat(io.exitCode()).isEqualTo(1);
        assertThat(io.errLines()).containsExactly("trt4j: disk: disk full");
    }

    @Test
    void verbosePrintsTheStackTraceAndBugsAreLabelled() {
        CliRun quiet = boom("boom", "--type", "bug");
        assertThat(quiet.exitCode()).isEqualTo(1);
        assertThat(quiet.errLines()).hasSize(1).first().asString()
                .startsWith("trt4j: unexpected error: java.lang.NullPointerException: bug").contains("--verbose");

        CliRun verbose = boom("boom", "--type", "trt4j", "--verbose");
        assertThat(verbose.exitCode()).isEqualTo(1);
        assertThat(verbose.errLines().get(0)).isEqualTo("trt4j: model.onnx: no input named 'x'");
        assertThat(verbose.err()).contains("at dev.trt4j.cli.Trt4jCommandTest$Boom.call");
    }

    @Test
    void aNativeLibraryThatDoesNotLoadIsOneLineNotACrash() {
        // As a jlinked JRE without libharfbuzz failed on the GPU machine while rendering text lines.
        CliRun run = boom("boom", "--type", "native");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: a native library did not load: /opt/jre/lib/libfontmanager.so: "
                + "libharfbuzz.so.0: cannot open shared object file: No such file or directory");
    }

    @Test
    void aMissingClassIsNotBlamedOnNativeLibraries() {
        CliRun run = boom("boom", "--type", "class");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("trt4j: a class did not load (is a jar missing from the class path, "
                + "or built for another version?): java.lang.NoClassDefFoundError: com/example/Helper");
    }

    @Test
    void anyOtherErrorIsOneLineAndVerboseAddsTheTrace() {
        CliRun quiet = boom("boom", "--type", "internal");
        assertThat(quiet.exitCode()).isEqualTo(1);
        assertThat(quiet.errLines()).containsExactly("trt4j: unexpected error: java.lang.InternalError: Fontconfig "
                + "head is null (run again with --verbose for the stack trace)");

        CliRun verbose = boom("boom", "--type", "internal", "--verbose");
        assertThat(verbose.errLines().get(0)).isEqualTo("trt4j: unexpected error: java.lang.InternalError: "
                + "Fontconfig head is null");
        assertThat(verbose.err()).contains("at dev.trt4j.cli.Trt4jCommandTest$Boom.call");
    }

    /** Path.of drops a trailing '/': quantize --out newdir/ wrote a file named newdir. */
    @Test
    void aFileOptionEndingInASlashIsRefusedAndAFolderOptionTakesIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path model = TestModels.matMul(dir.resolve("mm.onnx"));
        String folder = dir.resolve("newdir") + "/";

        CliRun quantize = CliRun.of("quantize", model.toString(), "--table", dir.resolve("t.json").toString(), "--out",
                folder);
        assertThat(quantize.exitCode()).isEqualTo(2);
        assertThat(quantize.errLines()).containsExactly("trt4j: --out " + folder + ": ends in '/', which names a "
                + "folder; --out takes a file");
        assertThat(dir.resolve("newdir")).doesNotExist();
        CliRun help = CliRun.of("quantize", "--out", folder, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage:");
        // beside a value picocli cannot convert too
        CliRun unconvertible = CliRun.of("evaluate", "--batch", "abc", "--help");
        assertThat(unconvertible.exitCode()).as(unconvertible.err()).isZero();
        assertThat(unconvertible.out()).contains("Usage:").contains("evaluate");

        CliRun calibrate = CliRun.of("calibrate", model.toString(), "--samples", "8", "--method", "max", "--out",
                folder);
        assertThat(calibrate.exitCode()).as(calibrate.err()).isZero();
        assertThat(dir.resolve("newdir").resolve("max.cache")).isRegularFile();
    }
}
