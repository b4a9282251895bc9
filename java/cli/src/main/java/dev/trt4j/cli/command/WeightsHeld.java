package dev.trt4j.cli.command;

/**
 * The out-of-memory hint of the commands that rewrite a model's weights: they hold every weight on the heap, those of
 * a model past 2 GiB too, so a smaller batch does not help there.
 */
final class WeightsHeld {
    private WeightsHeld() {
    }

    /**
     * The alternative to a larger heap, as the end of the heap advice after its "or": e.g. {@code ...without the
     * launcher; or a machine with more memory, since no option lowers it: quantize holds every weight ...}.
     */
    static String hint(String command) {
        return "a machine with more memory, since no option lowers it: " + command + " holds every weight of the model "
                + "on the heap, as much as its weights take on disk and up to as much again for the rewritten ones";
    }
}
