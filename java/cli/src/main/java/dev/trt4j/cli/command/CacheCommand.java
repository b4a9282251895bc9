package dev.trt4j.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code trt4j cache}: the group of commands for TensorRT calibration caches. */
@Command(name = "cache", description = "Inspects and converts TensorRT calibration caches and trt4j tables.",
        subcommands = {CacheShowCommand.class, CacheConvertCommand.class})
public final class CacheCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing a command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
