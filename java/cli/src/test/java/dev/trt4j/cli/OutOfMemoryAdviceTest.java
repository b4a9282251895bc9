package dev.trt4j.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class OutOfMemoryAdviceTest {
    @Test
    void namesTheMemoryThatRanOutAndHowToRaiseIt() {
        assertThat(OutOfMemoryAdvice.of(new OutOfMemoryError("Java heap space")))
                .startsWith("out of Java heap memory (limit ").contains("TRT4J_JAVA_OPTS=-Xmx");
        assertThat(OutOfMemoryAdvice.of(new OutOfMemoryError("Cannot reserve 4096 bytes of direct buffer memory")))
                .contains("direct").contains("-XX:MaxDirectMemorySize");
        assertThat(OutOfMemoryAdvice.of(new OutOfMemoryError("Required array size too large")))
                .startsWith("a single array of more than 2 GiB");
        assertThat(OutOfMemoryAdvice.of(new OutOfMemoryError())).startsWith("out of Java heap memory");
        assertThat(OutOfMemoryAdvice.of(new OutOfMemoryError("Java heap space"))).contains("-Xmx"
                + OutOfMemoryAdvice.suggestedGib(Runtime.getRuntime().maxMemory()) + "g without the launcher");
    }

    /** JavaCPP's limits on native memory are not the heap: -Xmx would not help. */
    @Test
    void javaCppLimitsAreNamedAsNativeMemory() {
        OutOfMemoryError physical = new OutOfMemoryError("Physical memory usage is too high: physicalBytes (9G) > "
                + "maxPhysicalBytes (8G)");
        OutOfMemoryError wrapped = new OutOfMemoryError("Cannot allocate new BytePointer(capacity=1048576): "
                + "totalBytes = 1M, physicalBytes = 9G");
        wrapped.initCause(physical);
        assertThat(OutOfMemoryAdvice.of(physical)).startsWith("native memory over JavaCPP's limit on the process's "
                + "resident memory (Physical memory usage is too high: physicalBytes (9G) > maxPhysicalBytes (8G))")
                .endsWith("TRT4J_JAVA_OPTS=-Dorg.bytedeco.javacpp.maxPhysicalBytes=0").doesNotContain("-Xmx");
        assertThat(OutOfMemoryAdvice.of(wrapped)).isEqualTo(OutOfMemoryAdvice.of(physical));
        assertThat(OutOfMemoryAdvice.of(new OutOfMemoryError("Failed to allocate memory within limits: totalBytes "
                + "(2G + 1G) > maxBytes (2G)"))).startsWith("native memory over JavaCPP's limit on its own allocations")
                .endsWith("-Dorg.bytedeco.javacpp.maxBytes=0 (no limit)");
    }

    /** Twice the limit that ran out, at least 8 GiB: a 6 GiB default heap that ran out was told to use 8. */
    @Test
    void suggestsTwiceTheLimitThatRanOut() {
        long mib = 1024 * 1024;
        assertThat(OutOfMemoryAdvice.suggestedGib(512 * mib)).isEqualTo(8);
        assertThat(OutOfMemoryAdvice.suggestedGib(6028 * mib)).isEqualTo(12);
        assertThat(OutOfMemoryAdvice.suggestedGib(6 * 1024 * mib)).isEqualTo(12);
    }

    /**
     * bench holds a time per query, so a larger batch (fewer queries) needs less memory there, not more: once timing,
     * its line asks for a shorter run instead. Before (a model too large for the heap), the general advice holds.
     */
    @Test
    void benchAsksForAShorterRunRatherThanASmallerBatch() throws Exception {
        OutOfMemoryError heap = new OutOfMemoryError("Java heap space");
        CommandLine.ParseResult bench = Trt4jCommand.newCommandLine().parseArgs("bench", "m.onnx");
        CommandLine.ParseResult inspect = Trt4jCommand.newCommandLine().parseArgs("inspect", "m.onnx");
        assertThat(OutOfMemoryAdvice.of(heap, OutOfMemoryAdvice.hintOf(bench))).isEqualTo(OutOfMemoryAdvice.of(heap));
        Object command = bench.subcommand().commandSpec().userObject();
        java.lang.reflect.Method start = command.getClass().getDeclaredMethod("startTiming");
        start.setAccessible(true);
        start.invoke(command);

        assertThat(OutOfMemoryAdvice.of(heap, OutOfMemoryAdvice.hintOf(bench)))
                .endsWith("without the launcher; or a shorter --duration: every query's time is held until its run "
                        + "ends)").doesNotContain("--batch");
        assertThat(OutOfMemoryAdvice.of(heap, OutOfMemoryAdvice.hintOf(inspect))).isEqualTo(OutOfMemoryAdvice.of(heap))
                .endsWith("; or smaller --batch where the command reads data)");
    }

    /**
     * quantize and convert hold every weight, so no option of theirs lowers the heap they need: the line reads as one
     * sentence, its alternative to more heap after "or" (it read "or nothing else helps").
     */
    @Test
    void commandsHoldingEveryWeightOfferAnAlternativeThatReadsAfterOr() {
        OutOfMemoryError heap = new OutOfMemoryError("Java heap space");
        for (String[] line : new String[][] {{"quantize", "m.onnx", "--table", "t.json", "--out", "o.onnx"},
                {"convert", "m.onnx", "--out", "o.onnx"}}) {
            String command = line[0];
            CommandLine.ParseResult parsed = Trt4jCommand.newCommandLine().parseArgs(line);
            assertThat(OutOfMemoryAdvice.of(heap, OutOfMemoryAdvice.hintOf(parsed)))
                    .contains(" without the launcher; or a machine with more memory, since no option lowers it: "
                            + command + " holds every weight of the model on the heap")
                    .doesNotContain("or nothing");
        }
    }

    @Command(name = "grow-with-a-hint")
    static final class RunsOutOfMemoryWithAHint implements Callable<Integer>, OutOfMemoryHint {
        private final boolean inAWorker;

        RunsOutOfMemoryWithAHint(boolean inAWorker) {
            this.inAWorker = inAWorker;
        }

        @Override
        public Integer call() {
            OutOfMemoryError e = new OutOfMemoryError("Java heap space");
            if (inAWorker) {
                throw new CompletionException(e);
            }
            throw e;
        }

        @Override
        public String outOfMemoryHint() {
            return "fewer --things";
        }
    }

    /** The hint reaches the line whichever way the error comes: thrown by the command, or wrapped by a worker's. */
    @Test
    void theRunningCommandsHintEndsTheLine() {
        for (boolean inAWorker : new boolean[] {false, true}) {
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(new RunsOutOfMemoryWithAHint(inAWorker));
            cl.setExecutionExceptionHandler(new ExecutionErrorHandler());
            cl.setErr(new PrintWriter(err));

            assertThat(Trt4jCommand.execute(cl)).isEqualTo(1);
            assertThat(err.toString().strip()).endsWith("without the launcher; or fewer --things)");
        }
    }

    @Command(name = "grow")
    static final class RunsOutOfMemory implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Command(name = "grow-in-a-worker")
    static final class RunsOutOfMemoryInAWorker implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new CompletionException(new OutOfMemoryError("Java heap space"));
        }
    }

    @Test
    void aCommandOutOfMemoryEndsWithOneLineAndExitCode1() {
        for (Object command : new Object[] {new RunsOutOfMemory(), new RunsOutOfMemoryInAWorker()}) {
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(command);
            cl.setExecutionExceptionHandler(new ExecutionErrorHandler());
            cl.setErr(new PrintWriter(err));

            int code = Trt4jCommand.execute(cl);

            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).startsWith("trt4j: out of Java heap memory (limit ")
                    .doesNotContain("\tat ").hasLineCount(1);
        }
    }
}
