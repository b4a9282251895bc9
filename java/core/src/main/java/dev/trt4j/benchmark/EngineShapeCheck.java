package dev.trt4j.benchmark;

import dev.trt4j.InvalidOptionException;
import dev.trt4j.engine.EngineSidecar;
import dev.trt4j.engine.ShapeRange;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks shapes against an engine's optimization profile 0 as its sidecar records it, before TensorRT sees them,
 * so a batch the engine cannot take or a shape outside its profile is one line naming the input and the range.
 */
public final class EngineShapeCheck {
    private EngineShapeCheck() {
    }

    /**
     * Checks a benchmark request against profile 0 before anything is loaded: each profiled input gets the
     * user's shape, else the profile's optimum, with {@code batch} (when positive) as first dimension.
     *
     * @return the shapes planned for the profiled inputs, in the profile's order; empty without a profile
     * @throws InvalidOptionException for a batch or shape profile 0 does not take, or a shape for an input the
     *                                engine does not have
     */
    public static Map<String, long[]> checkRequest(Path engine, EngineSidecar sidecar, int batch,
                                                   Map<String, long[]> shapes) {
        if (sidecar.profiles().isEmpty()) {
            return Map.of();
        }
        Map<String, ShapeRange> profile = sidecar.profiles().get(0);
        for (String name : shapes.keySet()) {
            if (!profile.containsKey(name)) {
                // a misspelt input would otherwise be dropped, and the engine timed at its optimum shape instead
                throw new InvalidOptionException(engine + ": --shapes names input '" + name + "', which the engine "
                        + "does not have (its inputs: " + String.join(", ", profile.keySet()) + ")");
            }
        }
        Map<String, long[]> planned = new LinkedHashMap<>();
        for (Map.Entry<String, ShapeRange> e : profile.entrySet()) {
            long[] shape = shapes.containsKey(e.getKey()) ? shapes.get(e.getKey()).clone() : e.getValue().opt();
            if (batch > 0 && shape.length > 0) {
                shape[0] = batch;
            }
            planned.put(e.getKey(), shape);
        }
        check(engine, sidecar, planned);
        return planned;
    }

    /**
     * @param engine the engine file, for messages
     * @param shapes concrete input shapes by name
     * @throws InvalidOptionException for the first shape outside profile 0
     */
    public static void check(Path engine, EngineSidecar sidecar, Map<String, long[]> shapes) {
        List<Map<String, ShapeRange>> profiles = sidecar.profiles();
        if (profiles.isEmpty()) {
            return;
        }
        Map<String, ShapeRange> profile = profiles.get(0);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            ShapeRange range = profile.get(e.getKey());
            if (range == null) {
                continue;
            }
            long[] shape = e.getValue();
            long[] min = range.min();
            long[] max = range.max();
            if (shape.length != range.rank()) {
                throw new InvalidOptionException(engine + ": input '" + e.getKey() + "' has rank " + range.rank()
                        + " but the shape given is " + BenchShapes.text(shape));
            }
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] >= min[i] && shape[i] <= max[i]) {
                    continue;
                }
                if (i == 0) {
                    throw new InvalidOptionException(engine + " cannot take batch " + shape[0] + ": input '"
                            + e.getKey() + "' takes " + (min[0] == max[0] ? "only batch " + min[0] : "batch " + min[0]
                            + " to " + max[0]) + " (time a batch it takes with --batch, or rebuild the engine with a "
                            + "wider profile)");
                }
                throw new InvalidOptionException(engine + ": shape " + e.getKey() + ":" + BenchShapes.text(shape)
                        + " is outside the engine's profile 0 (" + range + ")");
            }
        }
    }
}
