package dev.trt4j.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

/** One run of the command line with captured stdout and stderr, for tests. */
public record CliRun(int exitCode, String out, String err) {

    /** Runs {@code trt4j args...}. */
    public static CliRun of(String... args) {
        return of(Trt4jCommand.newCommandLine(), args);
    }

    /** Runs a prepared command line. */
    public static CliRun of(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = Trt4jCommand.execute(commandLine, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Non-empty lines of stderr. */
    public List<String> errLines() {
        return Arrays.stream(err.split("\\R")).filter(l -> !l.isBlank()).toList();
    }
}
