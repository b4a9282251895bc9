package dev.trt4j.cli;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

class StopDuringRunTest {
    /**
     * Ctrl-C as the first ONNX Runtime session started: the runtime refused ONNX Runtime's shutdown hook, and trt4j
     * said "cannot start ONNX Runtime 1.29.0: Shutdown in progress", as if ONNX Runtime were broken.
     */
    @Command(name = "start-while-stopping")
    static final class StartsWhileStopping implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new Trt4jException("cannot start ONNX Runtime 1.29.0: Shutdown in progress",
                    new IllegalStateException("Shutdown in progress"));
        }
    }

    @Command(name = "fails")
    static final class FailsOtherwise implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new Trt4jException("m.onnx: no such model file", new IllegalStateException("something else"));
        }
    }

    private static String errorOf(Object command) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler(new ExecutionErrorHandler());
        cl.setErr(new PrintWriter(err));
        assertThat(Trt4jCommand.execute(cl)).isEqualTo(1);
        return err.toString().strip();
    }

    @Test
    void aLibraryRefusingWorkAsTheJvmStopsReadsAsTheInterruptionItIs() {
        assertThat(errorOf(new StartsWhileStopping()))
                .isEqualTo("trt4j: interrupted: stopped (Ctrl-C or a signal) before the command could finish");
    }

    @Test
    void otherFailuresKeepTheirMessage() {
        assertThat(errorOf(new FailsOtherwise())).isEqualTo("trt4j: m.onnx: no such model file");
    }
}
