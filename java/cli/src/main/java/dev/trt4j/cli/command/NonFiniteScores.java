package dev.trt4j.cli.command;

import java.io.PrintWriter;
import java.util.List;

/**
 * The warning a study prints when some of its scores are NaN: a NaN in a table of numbers is easy to read past, and
 * a script reading {@code --json} may not look. The usual cause is outputs holding NaN or infinite values (the FP32
 * model's own when every score is NaN, while its own column still shows its score against itself).
 */
final class NonFiniteScores {
    private NonFiniteScores() {
    }

    /** Warns on {@code err} when any of {@code scores} (named {@code what}, e.g. "methods") is NaN. */
    static void warn(PrintWriter err, List<Double> scores, String what) {
        long nan = scores.stream().filter(v -> v == null || Double.isNaN(v)).count();
        if (nan == 0) {
            return;
        }
        err.println("trt4j: warning: the metric is NaN for " + nan + " of " + scores.size() + " " + what + ": the "
                + "outputs hold NaN or infinite values on the evaluation samples" + (nan == scores.size()
                ? " (every one is: look at the FP32 model's own outputs with evaluate)" : ""));
        err.flush();
    }
}
