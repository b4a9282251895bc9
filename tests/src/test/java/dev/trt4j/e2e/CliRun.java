package dev.trt4j.e2e;

import dev.trt4j.cli.Trt4jCommand;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the trt4j command line in this JVM, with its exit code and captured output. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Trt4jCommand.run(new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
