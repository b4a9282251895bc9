package dev.trt4j.quantize;

import dev.trt4j.data.Batch;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.tensor.HostTensor;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Batches of one float input given in memory, for tests that run a tiny model over known values. */
final class FloatBatchSource {
    private FloatBatchSource() {
    }

    /** Each array of {@code batches} as one batch of {@code input}, shaped {@code shape} (batch size {@code shape[0]}). */
    static CalibrationDataSource of(String input, long[] shape, List<float[]> batches) {
        Iterator<float[]> it = batches.iterator();
        return new CalibrationDataSource() {
            @Override
            public Optional<Batch> next() {
                return it.hasNext() ? Optional.of(new Batch((int) shape[0],
                        Map.of(input, HostTensor.ofFloats(shape, it.next())))) : Optional.empty();
            }

            @Override
            public String describe() {
                return "test batches";
            }
        };
    }
}
