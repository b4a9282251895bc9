package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.tensor.SharedDimensions;
import dev.trt4j.tensor.TensorSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns trtexec-style shape options into optimization profiles and checks them against a model's inputs.
 *
 * <p>{@code --shapes} given N times makes N profiles, each fixed to one shape. Otherwise the i-th
 * {@code --min-shapes}, {@code --opt-shapes} and {@code --max-shapes} together make profile i; as in trtexec,
 * a missing min or max defaults to opt. An input left out takes the sizes of the symbolic dimensions it shares with
 * inputs given ({@link SharedProfileDimensions}).
 */
public final class OptimizationProfiles {
    private OptimizationProfiles() {
    }

    /**
     * Builds the profiles the options describe (empty when none are given).
     *
     * @throws InvalidOptionException when the options contradict each other or a range is not min ≤ opt ≤ max
     */
    public static List<OptimizationProfile> fromOptions(List<String> shapes, List<String> minShapes,
            List<String> optShapes, List<String> maxShapes) {
        List<OptimizationProfile> profiles = new ArrayList<>();
        if (!shapes.isEmpty()) {
            if (!minShapes.isEmpty() || !optShapes.isEmpty() || !maxShapes.isEmpty()) {
                throw new InvalidOptionException("--shapes cannot be combined with "
                        + "--min-shapes/--opt-shapes/--max-shapes");
            }
            for (String spec : shapes) {
                Map<String, ShapeRange> ranges = new LinkedHashMap<>();
                ShapeSpecParser.parse("--shapes", spec).forEach((name, dims) -> ranges.put(name, ShapeRange.fixed(dims)));
                profiles.add(new OptimizationProfile(ranges));
            }
            return profiles;
        }
        if (optShapes.isEmpty()) {
            if (!minShapes.isEmpty() || !maxShapes.isEmpty()) {
                throw new InvalidOptionException("--min-shapes/--max-shapes need --opt-shapes (one of each per "
                        + "profile)");
            }
            return profiles;
        }
        int n = optShapes.size();
        checkCount("--min-shapes", minShapes, n);
        checkCount("--max-shapes", maxShapes, n);
        for (int p = 0; p < n; p++) {
            Map<String, long[]> opt = ShapeSpecParser.parse("--opt-shapes", optShapes.get(p));
            Map<String, long[]> min = minShapes.isEmpty() ? opt : ShapeSpecParser.parse("--min-shapes", minShapes.get(p));
            Map<String, long[]> max = maxShapes.isEmpty() ? opt : ShapeSpecParser.parse("--max-shapes", maxShapes.get(p));
            profiles.add(profileOf(p, min, opt, max));
        }
        return profiles;
    }

    /**
     * Checks profiles against the model's inputs: every named input exists, ranks and fixed dimensions agree,
     * and every input with a dynamic dimension has a range in every profile.
     *
     * @throws InvalidOptionException naming the profile, the input and what is wrong (options that do not fit the
     *         model are a usage error)
     */
    public static void validate(List<OptimizationProfile> profiles, List<TensorSpec> inputs) {
        Map<String, TensorSpec> byName = new LinkedHashMap<>();
        inputs.forEach(spec -> byName.put(spec.name(), spec));
        if (profiles.isEmpty()) {
            for (TensorSpec spec : inputs) {
                if (spec.isDynamic()) {
                    throw new InvalidOptionException("model input '" + spec.name() + "' has dynamic shape " + spec.shapeText()
                            + ": give --shapes or --min-shapes/--opt-shapes/--max-shapes");
                }
            }
            return;
        }
        for (int p = 0; p < profiles.size(); p++) {
            OptimizationProfile profile = profiles.get(p);
            for (Map.Entry<String, ShapeRange> e : profile.inputs().entrySet()) {
                TensorSpec spec = byName.get(e.getKey());
                if (spec == null) {
                    throw new InvalidOptionException("profile " + p + " names input '" + e.getKey()
                            + "' that the model does not have; model inputs are " + byName.keySet());
                }
                checkAgainstModel(p, spec, e.getValue());
            }
            for (TensorSpec spec : inputs) {
                if (spec.isDynamic() && profile.rangeOf(spec.name()) == null) {
                    throw new InvalidOptionException("profile " + p + " has no shape for dynamic input '" + spec.name() + "' "
                            + spec.shapeText());
                }
            }
            requireSharedDimensionsAgree(p, profile, inputs);
        }
    }

    /**
     * Inputs that name a dimension alike (BERT's {@code sequence} in input_ids and attention_mask) must get one size
     * for it in each of min, opt and max: TensorRT would refuse the profile only on the GPU machine.
     */
    static void requireSharedDimensionsAgree(int p, OptimizationProfile profile, List<TensorSpec> inputs) {
        // opt first: min and max default to it, so a conflict given with --opt-shapes (or --shapes) alone is named so
        String[] which = {"opt", "min", "max"};
        for (int k = 0; k < which.length; k++) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (Map.Entry<String, ShapeRange> e : profile.inputs().entrySet()) {
                ShapeRange r = e.getValue();
                shapes.put(e.getKey(), k == 0 ? r.opt() : k == 1 ? r.min() : r.max());
            }
            String bound = which[k];
            SharedDimensions.of(inputs, shapes).conflict().ifPresent(c -> {
                throw new InvalidOptionException("profile " + p + ": inputs '" + c.first().input() + "' and '"
                        + c.input() + "' share dimension '" + c.name() + "', but their " + bound + " shapes give it "
                        + c.first().size() + " and " + c.size() + "; give both the same size");
            });
        }
    }

    /**
     * The shape each input has during calibration: its static shape, or the opt shape of the calibration
     * profile (TensorRT calibrates at the calibration profile's opt shapes).
     */
    public static Map<String, long[]> calibrationShapes(List<OptimizationProfile> profiles, int profileIndex,
            List<TensorSpec> inputs) {
        if (!profiles.isEmpty() && (profileIndex < 0 || profileIndex >= profiles.size())) {
            throw new InvalidOptionException("calibration profile " + profileIndex + " does not exist; there are "
                    + profiles.size() + " profiles (0.." + (profiles.size() - 1) + ")");
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TensorSpec spec : inputs) {
            ShapeRange range = profiles.isEmpty() ? null : profiles.get(profileIndex).rangeOf(spec.name());
            if (range != null) {
                shapes.put(spec.name(), range.opt());
            } else if (!spec.isDynamic()) {
                shapes.put(spec.name(), spec.dims());
            } else {
                throw new InvalidOptionException("model input '" + spec.name() + "' has dynamic shape " + spec.shapeText()
                        + ": give a profile so that calibration has a shape");
            }
        }
        return shapes;
    }

    private static void checkAgainstModel(int p, TensorSpec spec, ShapeRange range) {
        long[] dims = spec.dims();
        if (dims.length != range.rank()) {
            throw new InvalidOptionException("profile " + p + ": input '" + spec.name() + "' has rank " + dims.length + " "
                    + spec.shapeText() + " but the profile gives rank " + range.rank() + " ("
                    + ShapeSpecParser.format(range.opt()) + ")");
        }
        long[] min = range.min();
        long[] max = range.max();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] >= 0 && (min[i] != dims[i] || max[i] != dims[i])) {
                throw new InvalidOptionException("profile " + p + ": input '" + spec.name() + "' dimension " + i
                        + " is fixed at " + dims[i] + " in the model but the profile gives " + range);
            }
        }
    }

    private static void checkCount(String option, List<String> values, int expected) {
        if (!values.isEmpty() && values.size() != expected) {
            throw new InvalidOptionException(option + " is given " + values.size() + " times but --opt-shapes "
                    + expected
                    + " times; give one per profile or leave it out (it then defaults to --opt-shapes)");
        }
    }

    private static OptimizationProfile profileOf(int p, Map<String, long[]> min, Map<String, long[]> opt,
            Map<String, long[]> max) {
        Set<String> names = new LinkedHashSet<>(opt.keySet());
        names.addAll(min.keySet());
        names.addAll(max.keySet());
        Map<String, ShapeRange> ranges = new LinkedHashMap<>();
        for (String name : names) {
            long[] o = opt.get(name);
            if (o == null) {
                throw new InvalidOptionException("profile " + p + ": input '" + name + "' has --min-shapes/--max-shapes but no "
                        + "--opt-shapes");
            }
            long[] lo = min.getOrDefault(name, o);
            long[] hi = max.getOrDefault(name, o);
            try {
                ranges.put(name, new ShapeRange(lo, o, hi));
            } catch (IllegalArgumentException ex) {
                throw new InvalidOptionException("profile " + p + ": input '" + name + "': " + ex.getMessage());
            }
        }
        return new OptimizationProfile(ranges);
    }

    /** Describes profiles for logs: {@code [x: min 1x3, opt 4x3, max 8x3]}. */
    public static String describe(List<OptimizationProfile> profiles) {
        return profiles.stream()
                .map(pr -> pr.inputs().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining("; ", "[", "]")))
                .collect(Collectors.joining(", "));
    }
}
