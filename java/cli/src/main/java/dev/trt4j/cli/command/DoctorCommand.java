package dev.trt4j.cli.command;

import dev.trt4j.Trt4jException;
import dev.trt4j.engine.DoctorReport;
import dev.trt4j.engine.EngineServices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code trt4j doctor [--json]}: reports the CUDA driver, CUDA runtime, TensorRT and each GPU, and exactly what
 * is missing and how to get it. Exits non-zero (with the verdict as its one error line) when engines cannot be
 * built here.
 */
@Command(name = "doctor",
        description = "Checks the CUDA driver, CUDA runtime, TensorRT and GPUs; says what is missing and how to get "
                + "it.")
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print the report as JSON.")
    private boolean json;

    @Override
    public Integer call() {
        DoctorReport report = new DoctorReport(EngineServices.gpuEnvironmentProbe().probe());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(report.toJson());
        } else {
            report.lines().forEach(out::println);
        }
        out.flush();
        if (!report.ready()) {
            throw new Trt4jException(report.verdictLine());
        }
        return 0;
    }
}
