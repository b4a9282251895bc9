package dev.trt4j.cli.command;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.calibration.MethodSpec;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Checks the method options of {@code calibrate} and {@code amax} against the chosen methods, before calibrate's
 * statistics pass, which can take minutes: an option none of them reads, or a start bin the histograms will not
 * have, would otherwise show only after it (or never).
 */
final class MethodOptionCheck {
    /**
     * The built-in methods that read each search option, and each grid option (entropy and mse fit amax to the grid;
     * max and percentile read none of them).
     */
    private static final Map<String, Set<String>> READERS = Map.of(
            "--start-bin", Set.of("entropy", "mse"),
            "--stride", Set.of("entropy", "mse"),
            "--trt-threshold", Set.of("entropy"),
            "--num-bits", Set.of("entropy", "mse"),
            "--unsigned", Set.of("entropy", "mse"));
    private static final Set<String> BUILT_IN = Set.of("max", "entropy", "percentile", "mse");

    private MethodOptionCheck() {
    }

    /**
     * @param methods the chosen methods
     * @param typed   {@code --method} as the user typed it, for the message ({@code percentile}, not the label
     *                {@code percentile-99.99}, which names a spelling the user did not type)
     * @param given   whether an option was on the command line
     * @throws InvalidOptionException if a given option is read by none of {@code methods} (unless one is a
     *                                plug-in, whose options trt4j cannot know)
     */
    static void refuseUnusedOptions(List<MethodSpec> methods, String typed, Predicate<String> given) {
        refuseUnread(List.of("--start-bin", "--stride", "--trt-threshold"), methods, typed, given, "add");
    }

    /** As {@link #refuseUnusedOptions}, for a command of one method (amax), where another replaces it. */
    static void refuseUnusedOptionsOfOne(MethodSpec method, String typed, Predicate<String> given) {
        refuseUnread(List.of("--start-bin", "--stride", "--trt-threshold"), List.of(method), typed, given, "choose");
    }

    /**
     * As {@link #refuseUnusedOptions}, for the grid options {@code --num-bits} and {@code --unsigned}: for amax, whose
     * one answer they would seem to change. Not for calibrate, whose tables record the grid for every method (a cache
     * is written only for signed 8-bit, and {@code cache show} gives each table its grid's scale).
     */
    static void refuseUnusedGridOptions(MethodSpec method, String typed, Predicate<String> given) {
        refuseUnread(List.of("--num-bits", "--unsigned"), List.of(method), typed, given, "choose");
    }

    /** @param remedy how the command takes a method that reads the option: {@code add} or {@code choose} */
    private static void refuseUnread(List<String> options, List<MethodSpec> methods, String typed,
                                     Predicate<String> given, String remedy) {
        List<String> names = methods.stream().map(m -> m.calibrator().name()).toList();
        if (!BUILT_IN.containsAll(names)) {
            return;
        }
        for (String option : options) {
            Set<String> readers = READERS.get(option);
            if (given.test(option) && names.stream().noneMatch(readers::contains)) {
                boolean one = readers.size() == 1;
                throw new InvalidOptionException(option + " only changes the " + String.join(" and ", readers.stream()
                        .sorted().toList()) + " method" + (one ? "" : "s") + ", and --method " + typed
                        + (one ? " does not choose it" : " chooses neither") + "; drop " + option + " or " + remedy
                        + (one ? " it" : " one of them"));
            }
        }
    }

    /**
     * Refuses a start bin the histograms of a pass with {@code numBins} bins will not reach. A histogram grows past
     * {@code numBins} only when a later batch exceeds the range of the first, which some tensors never do, so the
     * method would fail on one of them after the whole pass.
     *
     * @throws InvalidOptionException naming the method, {@code --start-bin} and {@code --num-bins}
     */
    static void refuseStartBinPastBins(List<MethodSpec> methods, int numBins) {
        for (MethodSpec m : methods) {
            int startBin = m.options().startBin();
            String name = m.calibrator().name();
            // Entropy tries keeping startBin..n bins, so n = startBin will do; MSE tries centres below the last bin.
            if (name.equals("entropy") && numBins < 2) {
                throw new InvalidOptionException("the entropy method needs at least 2 histogram bins but --num-bins "
                        + "is " + numBins + "; raise --num-bins");
            }
            if (name.equals("entropy") && numBins < startBin) {
                throw new InvalidOptionException("the entropy method needs at least " + startBin
                        + " histogram bins (--start-bin " + startBin + ") but --num-bins is " + numBins
                        + "; lower --start-bin to at most " + numBins + " or raise --num-bins");
            }
            if (name.equals("mse") && numBins <= startBin) {
                throw new InvalidOptionException("the mse method needs more histogram bins than --start-bin " + startBin
                        + " but --num-bins is " + numBins + "; lower --start-bin below " + numBins
                        + " or raise --num-bins");
            }
        }
    }
}
