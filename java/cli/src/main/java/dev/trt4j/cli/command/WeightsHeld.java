package dev.trt4j.cli.command;

/**
 * The out-of-memory hint of the commands that rewrite a model's weights: they hold every weight on the heap, those of
 * a model past 2 GiB too, so a smaller batch does not help there.
 */
final class WeightsHeld {
    private WeightsHeld() {
    }

    /** E.g. {@code nothing else helps: quantize holds every weight of the model ...}. */
    static String hint(String command) {
        return "nothing else helps: " + command + " holds every weight of the model on the heap, as much as its "
                + "weights take on disk and up to as much again for the rewritten ones";
    }
}
