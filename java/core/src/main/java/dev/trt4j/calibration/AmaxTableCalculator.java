package dev.trt4j.calibration;

import dev.trt4j.Trt4jException;
import dev.trt4j.Trt4jVersion;
import dev.trt4j.calibrators.CalibrationException;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applies a calibration method to collected statistics: one amax per tensor, in the statistics' order. Any
 * number of methods can be applied to the same statistics without running the model again.
 */
public final class AmaxTableCalculator {
    private AmaxTableCalculator() {
    }

    /**
     * @param statistics what one pass over the data collected
     * @param method     the method and its options
     * @param modelFile  the calibrated model (its name and hash go into the provenance), or null if unknown
     * @throws Trt4jException naming the tensor if the method cannot give an amax for it
     */
    public static CalibrationTable compute(ActivationStatistics statistics, MethodSpec method, Path modelFile) {
        Map<String, Float> amax = new LinkedHashMap<>();
        for (Map.Entry<String, TensorStatistics> e : statistics.tensors().entrySet()) {
            try {
                amax.put(e.getKey(), method.calibrator().computeAmax(e.getValue(), method.options()));
            } catch (CalibrationException ex) {
                throw new Trt4jException(method.label() + ": " + ex.getMessage(), ex);
            }
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("label", method.label());
        parameters.putAll(Provenance.parameters(method.options()));
        // The statistics already carry the model's hash: no need to read the model file again.
        Path name = modelFile == null ? null : modelFile.getFileName();
        Provenance provenance = new Provenance(method.name(), parameters, statistics.samples(),
                name == null ? null : name.toString(), statistics.modelSha256(), Trt4jVersion.get(),
                statistics.dataDescription(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
        return new CalibrationTable(amax, provenance);
    }
}
