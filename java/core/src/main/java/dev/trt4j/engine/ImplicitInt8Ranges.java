package dev.trt4j.engine;

import dev.trt4j.calibration.AmaxTableCalculator;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.data.CalibrationDataSource;
import dev.trt4j.onnx.OnnxModel;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.ActivationStatisticsCollector;
import dev.trt4j.stats.ProgressListener;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.table.CalibrationTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * trt4j's ranges for an implicit INT8 build: one ONNX Runtime pass of the FP32 model over the samples on the
 * CPU, collecting every activation TensorRT calibrates, then the chosen method with its default options. The
 * same numbers as {@code trt4j calibrate --all-tensors --method NAME} on the same samples.
 */
final class ImplicitInt8Ranges {
    private static final Logger LOG = LoggerFactory.getLogger(ImplicitInt8Ranges.class);

    private ImplicitInt8Ranges() {
    }

    /**
     * @param samples opens the samples: once, or twice for a range pass ({@link StatisticsOptions#rangePass()})
     * @param options how statistics are collected: state links and range pass; the rest as {@code calibrate}'s
     *                defaults
     * @throws dev.trt4j.Trt4jException when the samples do not fit the model or give no values for a tensor
     */
    static CalibrationTable compute(OnnxModel model, Supplier<CalibrationDataSource> samples, CalibratorChoice choice,
            StatisticsOptions options, ProgressListener progress) {
        MethodSpec method = MethodSpec.parse(choice.cliName(), CalibrationOptions.defaults());
        ActivationStatistics statistics = new ActivationStatisticsCollector(model, model.allActivationTensors(),
                options).collect(samples, progress);
        LOG.info("{} ranges of {} tensors from {} samples of {}", method.label(), statistics.tensors().size(),
                statistics.samples(), statistics.dataDescription());
        return AmaxTableCalculator.compute(statistics, method, model.path(), options);
    }
}
