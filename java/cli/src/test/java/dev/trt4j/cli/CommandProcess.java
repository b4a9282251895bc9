package dev.trt4j.cli;

import dev.trt4j.Trt4jException;
import picocli.CommandLine;

/**
 * Runs {@code build} or {@code doctor} as a process would, with the CLI's exit policy for
 * {@link Trt4jException} (its one line on stderr, exit 1). The tests fork a JVM on this class so that a crash,
 * an exit code and a stray file are all observable.
 */
public final class CommandProcess {
    private CommandProcess() {
    }

    public static void main(String[] args) {
        Object command = switch (args[0]) {
            case "build" -> new BuildCommand();
            case "doctor" -> new DoctorCommand();
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        };
        System.exit(commandLine(command).execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }

    /** A command line that prints a {@link Trt4jException} as one line and returns 1. */
    static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            if (ex instanceof Trt4jException) {
                line.getErr().println(ex.getMessage());
                line.getErr().flush();
                return 1;
            }
            throw ex;
        });
        return cl;
    }
}
