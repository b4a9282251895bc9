package dev.trt4j.ort;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.trt4j.onnx.TestGraph;

import java.nio.file.Path;
import java.util.List;

/**
 * Writes a spooled copy with external data (the limit lowered to 0) into the temporary folder it is given
 * ({@code -Djava.io.tmpdir}), says so on stdout, then waits to be stopped; its own shutdown hook then begins a second
 * copy, as a study's main thread does while the JVM stops, and says what became of it. The subprocess that
 * {@link SpooledModelTest} terminates. With the argument {@code once} it writes one copy and prints the path or the
 * error (the JDK reads {@code java.io.tmpdir} once, so a test cannot change it in its own JVM).
 */
public final class StoppedSpoolMain {
    private StoppedSpoolMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ModelProto model = new TestGraph()
                .input("x", TestGraph.FLOAT, 1, 16)
                .initializer("w", new long[] {16, 32}, new float[16 * 32])
                .node("MatMul", List.of("x", "w"), List.of("y"))
                .output("y", TestGraph.FLOAT, 1, 32)
                .build(13);
        if (args.length > 0 && args[0].equals("once")) {
            try {
                System.out.println("spooled " + SpooledModel.write(model, Path.of("m.onnx"), 0));
            } catch (RuntimeException e) {
                System.out.println(e.getMessage());
            }
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(500); // after the cleanup hooks ran: what is written now, nothing deletes
                System.out.println("second copy: " + SpooledModel.write(model, Path.of("late.onnx"), 0));
            } catch (RuntimeException | InterruptedException e) {
                System.out.println("second copy refused: " + e.getMessage());
            }
            System.out.flush();
        }));
        System.out.println("spooled " + SpooledModel.write(model, Path.of("m.onnx"), 0));
        System.out.flush();
        Thread.sleep(60_000);
    }
}
