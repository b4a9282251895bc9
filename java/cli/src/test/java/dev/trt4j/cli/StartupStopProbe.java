package dev.trt4j.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A process that stands where trt4j's main stands while it builds its command line: the start-up stop notice is on
 * (and, given {@code handover}, handed over to a command's own, as {@code execute} does), then it waits to be stopped.
 */
final class StartupStopProbe {
    private StartupStopProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        StopNotice.watchStartup();
        if (args.length > 0 && args[0].equals("handover")) {
            StopNotice.watch(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
