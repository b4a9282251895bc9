package dev.trt4j.cli;

import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jVersion;
import dev.trt4j.cli.command.AmaxCommand;
import dev.trt4j.cli.command.BuildCommand;
import dev.trt4j.cli.command.CacheCommand;
import dev.trt4j.cli.command.CalibrateCommand;
import dev.trt4j.cli.command.BenchCommand;
import dev.trt4j.cli.command.CompareCalibratorsCommand;
import dev.trt4j.cli.command.ConvertCommand;
import dev.trt4j.cli.command.DoctorCommand;
import dev.trt4j.cli.command.EqualizeCommand;
import dev.trt4j.cli.command.EvaluateCommand;
import dev.trt4j.cli.command.ExportTritonCommand;
import dev.trt4j.cli.command.InspectCommand;
import dev.trt4j.cli.command.QuantizeCommand;
import dev.trt4j.cli.command.ReportCommand;
import dev.trt4j.cli.command.SensitivityCommand;
import dev.trt4j.data.DataWarnings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code trt4j} command line. Exit codes: 0 success, 1 failure (one line {@code trt4j: <message>} on
 * stderr; the stack trace only with {@code --verbose}), 2 usage error.
 */
@Command(name = "trt4j", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = Trt4jCommand.VersionProvider.class, sortOptions = false,
        description = "ONNX models to TensorRT engines at FP32/FP16/INT8, with calibration done in Java.",
        subcommands = {InspectCommand.class, CalibrateCommand.class, AmaxCommand.class, CacheCommand.class,
            QuantizeCommand.class, EqualizeCommand.class, ConvertCommand.class, EvaluateCommand.class, CompareCalibratorsCommand.class,
            SensitivityCommand.class, ReportCommand.class,
            BuildCommand.class, DoctorCommand.class, BenchCommand.class, ExportTritonCommand.class,
            NestedHelpCommand.class})
public final class Trt4jCommand implements Callable<Integer> {
    /** Read by {@link ExecutionErrorHandler} from the parse result; declared here so every command has it. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "On failure, print the stack trace too.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        // before the command line is built (a second or so of class loading): a stop then is said too
        StopNotice.watchStartup();
        HomeFolder.makeUsable();
        CommandLine cl = newCommandLine();
        StandardStreams.useUtf8WhereRedirected(cl);
        StandardStreams.escapeWhatTerminalsCannotShow();
        int code = execute(cl, args);
        cl.getOut().flush();
        cl.getErr().flush();
        System.exit(code);
    }

    /**
     * Runs the command line with the given streams, as {@link #main} does, without exiting: the entry point for
     * tests and embedding.
     *
     * @return the exit code
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = newCommandLine();
        cl.setOut(out);
        cl.setErr(err);
        int code = execute(cl, args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Runs {@code cl}. picocli hands only exceptions to the error handler; errors reach here: a native library that
     * fails to load ({@link UnsatisfiedLinkError}), a class missing from the class path (another
     * {@link LinkageError}), a model or image too large for the JVM's memory ({@link OutOfMemoryError}), or any other
     * {@link Error} the Java runtime raises (the font code's {@link InternalError}): each becomes one line and exit
     * code 1 instead of a stack trace, which {@code --verbose} adds.
     */
    static int execute(CommandLine cl, String... args) {
        for (String arg : args) {
            if (arg.indexOf('\uFFFD') >= 0) {
                // Java decoded bytes that are not text in the system's encoding to U+FFFD: the file would be called
                // missing, or an output written under a name nobody gave
                cl.getErr().println("trt4j: argument '" + ControlCharacters.escape(arg) + "' holds U+FFFD, which Java "
                        + "puts where bytes are "
                        + "not text in this system's encoding (" + System.getProperty("sun.jnu.encoding") + "); rename "
                        + "the file, or run in a locale of its encoding");
                cl.getErr().flush();
                return cl.getCommandSpec().exitCodeOnInvalidInput();
            }
        }
        boolean verbose = Arrays.asList(args).contains("--verbose");
        String line;
        Throwable error;
        StopNotice stop = StopNotice.watch(cl.getErr());
        try {
            return cl.execute(args);
        } catch (UnsatisfiedLinkError e) {
            line = "a native library did not load: " + e.getMessage();
            error = e;
        } catch (LinkageError e) {
            line = "a class did not load (is a jar missing from the class path, or built for another version?): " + e;
            error = e;
        } catch (OutOfMemoryError e) {
            line = OutOfMemoryAdvice.of(e, OutOfMemoryAdvice.hintOf(cl.getParseResult()));
            error = e;
        } catch (Error e) {
            line = "unexpected error: " + e + (verbose ? "" : " (run again with --verbose for the stack trace)");
            error = e;
        } finally {
            stop.close();
        }
        cl.getErr().println("trt4j: " + ControlCharacters.escape(line.replace('\n', ' ')));
        if (verbose) {
            error.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return ExecutionErrorHandler.FAILURE;
    }

    /** A command line with trt4j's error handling and exit codes installed. */
    public static CommandLine newCommandLine() {
        return newCommandLine(CommandLine.defaultFactory());
    }

    /**
     * A command line whose commands come from {@code factory} (to give a command other services, as tests do),
     * with trt4j's error handling and exit codes installed.
     */
    public static CommandLine newCommandLine(CommandLine.IFactory factory) {
        return newCommandLine(factory, System.getenv());
    }

    /**
     * {@link #newCommandLine(CommandLine.IFactory)} in the given environment. The help's colours are decided here,
     * where every entry point makes its command line, not in {@link #main} alone: a command line made by
     * {@link #run} or by an embedding program showed escape sequences under {@code TERM=dumb}.
     */
    static CommandLine newCommandLine(CommandLine.IFactory factory, Map<String, String> environment) {
        CommandLine cl = new CommandLine(new Trt4jCommand(), factory);
        // An empty path (an unset shell variable) would be read as the working folder; every command refuses it.
        cl.registerConverter(Path.class, value -> {
            if (value.isBlank()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is an empty path; give a file or "
                        + "folder");
            }
            return Path.of(value);
        });
        // a decimal comma (--percentile 99,9, as German or French write it) is named with the value to type instead
        cl.registerConverter(Double.class, DecimalValue::parse);
        cl.registerConverter(double.class, DecimalValue::parse);
        // A misspelt option after one with an optional value (--bias-correction --exlude X) would become that value,
        // and the error would be about the value, not the misspelling.
        cl.setUnmatchedOptionsAllowedAsOptionParameters(false);
        ShapesSynopsisHelp.install(cl);
        HelpColours.apply(cl, environment); // after the subcommands are added: picocli hands the scheme down once
        cl.setExecutionExceptionHandler(new ExecutionErrorHandler());
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        // a ParameterException thrown here goes to the UsageErrorHandler, as one thrown while parsing does
        cl.setExecutionStrategy(parsed -> {
            JsonFlagMisuse.check(parsed);
            if (!helpAsked(parsed)) { // --help shows help, whatever else the line holds
                EmptyListItemCheck.check(parsed);
                FileOptionCheck.check(parsed);
            }
            // a command may open its data many times (per candidate): each warning about the data once
            try (DataWarnings.Scope once = DataWarnings.onceEach()) {
                return new CommandLine.RunLast().execute(parsed);
            }
        });
        return cl;
    }

    private static boolean helpAsked(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.isUsageHelpRequested() || level.isVersionHelpRequested()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing a command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** {@code trt4j --version}: the trt4j build and the Java runtime. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "trt4j " + Trt4jVersion.get(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch").toLowerCase(Locale.ROOT),
            };
        }
    }
}
