package dev.trt4j.cli;

import picocli.CommandLine.Option;

/** {@code --range-pass}, shared by the commands that collect activation statistics (a picocli {@code @Mixin}). */
public final class RangePassArgument {
    @Option(names = "--range-pass",
            description = "Run the calibration data twice: a first pass finds each tensor's max |x|, and the histograms "
                    + "then start at that range instead of the first batch's. Needed when the first batches are much "
                    + "quieter than the rest (audio that starts in silence, --batch 1 streams), which would otherwise "
                    + "grow a histogram past its limit.")
    boolean enabled;

    public boolean enabled() {
        return enabled;
    }
}
