package dev.trt4j.engine;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.tensor.SharedDimensions;
import dev.trt4j.tensor.TensorSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives the inputs a profile leaves out the sizes that the inputs it names give their symbolic dimensions (ONNX's
 * {@code dim_param}): MiniLM's input_ids, attention_mask and token_type_ids are all
 * {@code [batch_size,sequence_length]}, so {@code --opt-shapes input_ids:8x64} settles the other two at 8x64, as
 * {@code bench --shapes}, calibrate's {@code --shapes} and {@code convert --fix-shapes} settle them. Each of min,
 * opt and max is bound on its own; an input the profile names keeps its own range.
 */
public final class SharedProfileDimensions {
    private SharedProfileDimensions() {
    }

    /**
     * {@code profiles} with every dynamic input they leave out given a range where its open dimensions are all
     * shared with inputs they name; an input with a dimension nothing names is left out still (and refused by
     * {@link OptimizationProfiles#validate}).
     *
     * @throws InvalidOptionException naming the profile, both inputs, the dimension and the bound, where the inputs a
     *                                profile names give one symbolic dimension two sizes
     */
    public static List<OptimizationProfile> fill(List<OptimizationProfile> profiles, List<TensorSpec> inputs) {
        List<OptimizationProfile> filled = new ArrayList<>(profiles.size());
        for (int p = 0; p < profiles.size(); p++) {
            OptimizationProfile profile = profiles.get(p);
            // the sizes must agree before one of them is handed on: else a filled input would be named in the refusal
            OptimizationProfiles.requireSharedDimensionsAgree(p, profile, inputs);
            SharedDimensions min = SharedDimensions.of(inputs, bound(profile, ShapeRange::min));
            SharedDimensions opt = SharedDimensions.of(inputs, bound(profile, ShapeRange::opt));
            SharedDimensions max = SharedDimensions.of(inputs, bound(profile, ShapeRange::max));
            Map<String, ShapeRange> ranges = new LinkedHashMap<>(profile.inputs());
            for (TensorSpec spec : inputs) {
                if (!spec.isDynamic() || ranges.containsKey(spec.name())) {
                    continue;
                }
                long[] lo = min.bind(spec, spec.dims());
                long[] mid = opt.bind(spec, spec.dims());
                long[] hi = max.bind(spec, spec.dims());
                if (settled(lo) && settled(mid) && settled(hi)) {
                    ranges.put(spec.name(), new ShapeRange(lo, mid, hi));
                }
            }
            filled.add(new OptimizationProfile(ranges));
        }
        return filled;
    }

    private static Map<String, long[]> bound(OptimizationProfile profile,
                                             java.util.function.Function<ShapeRange, long[]> which) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        profile.inputs().forEach((name, range) -> shapes.put(name, which.apply(range)));
        return shapes;
    }

    private static boolean settled(long[] dims) {
        for (long d : dims) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }
}
