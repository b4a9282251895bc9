package dev.trt4j.io;

import java.nio.file.Path;

/**
 * Stages a file in the folder given as argument, says so on stdout, then waits to be killed: the subprocess that
 * {@link StagedWritesTest} terminates to check that a killed run leaves nothing behind.
 */
public final class InterruptedWriteMain {
    private InterruptedWriteMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        StagedWrites files = StagedWrites.in(Path.of(args[0]));
        AtomicFiles.writeString(files.stage("statistics.json"), "{}");
        System.out.println("staged");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
