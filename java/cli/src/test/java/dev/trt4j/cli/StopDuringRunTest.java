package dev.trt4j.cli;

import dev.trt4j.Trt4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
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

    /**
     * SIGTERM while bench timed its second run: the JVM ran its cleanup hooks and halted while the timing thread
     * went on, so the process exited 143 in silence, though the README says a stop that cuts work short says
     * "trt4j: interrupted: …". The first run's staged --json file goes with the stop.
     */
    @Test
    void aSignalDuringATimedRunIsSaidInOneLineAndLeavesNoFiles(@TempDir Path work) throws Exception {
        Path model = TestModels.ppocrClassifier(work.resolve("cls.onnx"));
        Path out = Files.createDirectories(work.resolve("out"));

        CliProcess.Result r = CliProcess.stopWhenPrinted(work, CliProcess.testClassPath(), "  Total Compute Time",
                "bench", model.toString(), "--shapes", "x:1x3x48x192", "--batch", "1,2", "--warmup", "1",
                "--warmup-iterations", "1", "--duration", "1", "--iterations", "2", "--threads", "1",
                "--json", out.resolve("t.json").toString());

        assertThat(r.exit()).as(String.join("\n", r.stderrLines())).isEqualTo(143);
        // one line: the stop notice's, or, where the signal met the staging of the first run's file (a loaded
        // machine), that write's own interruption
        assertThat(r.stderrLines()).hasSize(1);
        assertThat(r.stderrLines().get(0)).isIn(
                "trt4j: interrupted: stopped (Ctrl-C or a signal) before the command could finish",
                "trt4j: interrupted: stopped while writing its output, which is left as it was");
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).isEmpty();
        }
    }

    /**
     * A stop while the JVM still loads the command line's classes (about a second) exited 143 in silence: the notice
     * is on from main's first line, and hands over to the command's own without saying a stop twice.
     */
    @Test
    void aSignalBeforeTheCommandRunsIsSaidOnce(@TempDir Path work) throws Exception {
        for (String mode : new String[] {"startup", "handover"}) {
            CliProcess.Result r = CliProcess.stopWhenPrinted(work, CliProcess.testClassPath(), StartupStopProbe.class,
                    "ready", mode);
            assertThat(r.exit()).as(mode).isEqualTo(143);
            assertThat(r.stderrLines()).as(mode).containsExactly(
                    "trt4j: interrupted: stopped (Ctrl-C or a signal) before the command could finish");
        }
    }

    /** A stop the command's own thread meets first (a write cut short) is said once, in its own words. */
    @Test
    void aStopTheCommandMeetsItselfIsSaidOnceInItsWords() {
        StringWriter text = new StringWriter();
        PrintWriter err = new PrintWriter(text);
        StopNotice notice = StopNotice.watch(err);
        StopNotice.sayInterrupted(err, "trt4j: interrupted: stopped while writing its output, which is left as it was");
        StopNotice.sayInterrupted(err, "trt4j: " + ExecutionErrorHandler.INTERRUPTED);
        notice.close();
        StopNotice.sayInterrupted(err, "trt4j: after");

        assertThat(text.toString().lines()).containsExactly(
                "trt4j: interrupted: stopped while writing its output, which is left as it was", "trt4j: after");
    }

    @Test
    void otherFailuresKeepTheirMessage() {
        assertThat(errorOf(new FailsOtherwise())).isEqualTo("trt4j: m.onnx: no such model file");
    }
}
