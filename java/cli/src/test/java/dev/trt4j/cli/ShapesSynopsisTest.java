package dev.trt4j.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The synopsis shows --shapes repeatable only in build, the one command that takes it more than once. */
class ShapesSynopsisTest {
    @Test
    void onlyBuildShowsShapesAsRepeatable() {
        CommandLine cl = Trt4jCommand.newCommandLine();
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF));
        List<String> once = new ArrayList<>();
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().findOption("--shapes") == null || name.equals("build")) {
                return;
            }
            String synopsis = synopsis(sub);
            assertThat(synopsis).as(name).contains("[--shapes=SPEC]").doesNotContain("[--shapes=SPEC]...");
            once.add(name);
        });

        assertThat(once).contains("calibrate", "quantize", "equalize", "convert", "evaluate", "compare-calibrators",
                "sensitivity", "bench");
        assertThat(synopsis(cl.getSubcommands().get("build"))).contains("[--shapes=SPEC]...")
                .contains("[--min-shapes=SPEC]...");
    }

    /** The usage message up to the description: picocli wraps the synopsis, so its lines are joined. */
    private static String synopsis(CommandLine cl) {
        String usage = cl.getUsageMessage();
        return usage.substring(0, usage.indexOf("\n\n") > 0 ? usage.indexOf("\n\n") : usage.length())
                .replaceAll("\\s+", " ");
    }
}
