package dev.trt4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Test helper: reads a source to the end. */
public final class Batches {
    private Batches() {
    }

    /** Every batch the source delivers, in order. */
    public static List<Batch> drain(CalibrationDataSource source) {
        List<Batch> batches = new ArrayList<>();
        for (Optional<Batch> b = source.next(); b.isPresent(); b = source.next()) {
            batches.add(b.get());
        }
        return batches;
    }
}
