package dev.trt4j.calibration;

import dev.trt4j.ControlCharacters;
import dev.trt4j.Trt4jException;
import dev.trt4j.Trt4jVersion;
import dev.trt4j.calibrators.CalibrationException;
import dev.trt4j.calibrators.Calibrators;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.StatisticsDigest;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.table.CalibrationTable;
import dev.trt4j.table.Provenance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Applies a calibration method to collected statistics: one amax per tensor, in the statistics' order. Any
 * number of methods can be applied to the same statistics without running the model again.
 */
public final class AmaxTableCalculator {
    private static final Logger LOG = LoggerFactory.getLogger(AmaxTableCalculator.class);

    private AmaxTableCalculator() {
    }

    /**
     * @param statistics what one pass over the data collected
     * @param method     the method and its options
     * @param modelFile  the calibrated model (its name and hash go into the provenance), or null if unknown
     * @throws Trt4jException naming the tensor if the method cannot give an amax for it
     */
    public static CalibrationTable compute(ActivationStatistics statistics, MethodSpec method, Path modelFile) {
        return compute(statistics, method, modelFile, null);
    }

    /**
     * As {@link #compute(ActivationStatistics, MethodSpec, Path)}, recording in the provenance how the histograms
     * were collected ({@code numBins}, {@code skipZeros}, {@code rangePass}) for a method that reads them: they
     * change its result as much as its own options do.
     *
     * @param collection the options the statistics were collected with, or null if unknown
     */
    public static CalibrationTable compute(ActivationStatistics statistics, MethodSpec method, Path modelFile,
                                           StatisticsOptions collection) {
        // Tensors are independent and calibrators are stateless and thread-safe by contract, so they run on all
        // cores: the MSE search takes about 6 ms per 2048-bin histogram, over a second for a 189-tensor CNN.
        List<String> names = List.copyOf(statistics.tensors().keySet());
        List<TensorStatistics> tensors = List.copyOf(statistics.tensors().values());
        float[] values = new float[tensors.size()];
        CalibrationException[] failures = new CalibrationException[tensors.size()];
        IntStream.range(0, tensors.size()).parallel().forEach(i -> {
            try {
                values[i] = Calibrators.amax(method.calibrator(), tensors.get(i), method.options());
            } catch (CalibrationException ex) {
                failures[i] = ex;
            }
        });
        Map<String, Float> amax = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            if (failures[i] != null) {
                // the first tensor in the statistics' order, whichever thread failed first
                throw new Trt4jException(method.label() + ": " + failures[i].getMessage(), failures[i]);
            }
            amax.put(names.get(i), values[i]);
        }
        List<SaturatingRanges.Saturating> saturating = SaturatingRanges.find(statistics, amax);
        if (!saturating.isEmpty()) {
            LOG.warn("{}", SaturatingRanges.describe(method.label(), statistics.samples(), saturating, amax.size()));
        }
        List<TensorStatistics> zero = ZeroRanges.find(statistics, amax);
        if (!zero.isEmpty()) {
            LOG.warn("{}", ZeroRanges.describe(method.label(), statistics.samples(), zero, amax.size()));
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("label", method.label());
        parameters.putAll(Provenance.parameters(method.calibrator(), method.options()));
        if (collection != null && method.calibrator().readsHistograms()) {
            parameters.put("numBins", Integer.toString(collection.numBins()));
            parameters.put("skipZeros", Boolean.toString(collection.skipZeros()));
            parameters.put("rangePass", Boolean.toString(collection.rangePass()));
        }
        parameters.put(TableMatch.STATISTICS_PARAMETER, StatisticsDigest.of(statistics));
        // The statistics already carry the model's hash: no need to read the model file again.
        Path name = modelFile == null ? null : modelFile.getFileName();
        Provenance provenance = new Provenance(method.name(), parameters, statistics.samples(),
                name == null ? null : name.toString(), statistics.modelSha256(), Trt4jVersion.get(),
                statistics.dataDescription(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
        return new CalibrationTable(amax, provenance);
    }
}
