package dev.trt4j.report;

import dev.trt4j.calibration.AmaxTableCalculator;
import dev.trt4j.calibration.CalibrationOutputs;
import dev.trt4j.calibration.MethodSpec;
import dev.trt4j.calibrators.CalibrationOptions;
import dev.trt4j.calibrators.TensorStatistics;
import dev.trt4j.calibrators.TensorStatisticsCollector;
import dev.trt4j.compare.ComparisonReport;
import dev.trt4j.compare.LayerSensitivity;
import dev.trt4j.compare.PartialQuantization;
import dev.trt4j.compare.ResultTable;
import dev.trt4j.compare.SensitivityReport;
import dev.trt4j.stats.ActivationStatistics;
import dev.trt4j.stats.StatisticsOptions;
import dev.trt4j.table.CalibrationTable;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A small calibration folder and comparison and sensitivity results for report tests, made without a model. */
final class ReportFixture {
    /** Tensor names, one with characters a file name cannot keep. */
    static final List<String> TENSORS = List.of("conv/out:0", "relu_1.tmp_0", "gelu<2>");
    static final List<String> METHODS = List.of("max", "entropy", "percentile=99.99", "mse");

    private ReportFixture() {
    }

    /** Writes statistics of heavy-tailed random values and the tables of four methods into {@code folder}. */
    static Path calibrationFolder(Path folder) {
        Random random = new Random(3);
        Map<String, TensorStatistics> tensors = new LinkedHashMap<>();
        for (String name : TENSORS) {
            TensorStatisticsCollector c = new TensorStatisticsCollector(name, 2048, false);
            float[] values = new float[20_000];
            for (int i = 0; i < values.length; i++) {
                double g = random.nextGaussian();
                values[i] = (float) (g * Math.exp(Math.abs(random.nextGaussian())));
            }
            c.collect(values, 0, values.length);
            tensors.put(name, c.statistics());
        }
        ActivationStatistics statistics = new ActivationStatistics(tensors, 64, 8, "ab".repeat(32), "synthetic");
        CalibrationOutputs out = new CalibrationOutputs(folder);
        Map<String, CalibrationTable> tables = new LinkedHashMap<>();
        for (String m : METHODS) {
            MethodSpec spec = MethodSpec.parse(m, CalibrationOptions.defaults());
            tables.put(spec.label(), AmaxTableCalculator.compute(statistics, spec, null));
        }
        out.writeAll(statistics, StatisticsOptions.defaults(), tables);
        return folder;
    }

    /** The comparisons as {@code trt4j report} passes them, each from its own file ({@code 1.json}, ...). */
    static Map<Path, ComparisonReport> byFile(ComparisonReport... comparisons) {
        Map<Path, ComparisonReport> byFile = new LinkedHashMap<>();
        for (ComparisonReport c : comparisons) {
            byFile.put(Path.of((byFile.size() + 1) + ".json"), c);
        }
        return byFile;
    }

    static ComparisonReport comparison(String model, double max, double entropy) {
        ResultTable methods = new ResultTable("INT8 accuracy by activation calibration method", "model",
                List.of("FP32", "max", "entropy"), List.of(new ResultTable.Row(model, List.of(0.97, max, entropy))));
        ResultTable fidelity = new ResultTable("INT8 against FP32", "method", List.of("accuracy", "drop", "cosine"),
                List.of(new ResultTable.Row("max", List.of(max, 0.97 - max, 0.99)),
                        new ResultTable.Row("entropy", List.of(entropy, 0.97 - entropy, 0.8))));
        return new ComparisonReport(model, "cd".repeat(32), "accuracy", true, "lines [0, 64)", 64,
                "lines [64, 128)", 64, "per-channel max weights", methods, fidelity, null, null);
    }

    static SensitivityReport sensitivity() {
        List<LayerSensitivity> ranking = List.of(new LayerSensitivity("conv<a>", "Conv", 0.5, 0.47, 0.6, 3.0),
                new LayerSensitivity("fc", "MatMul", 0.96, 0.01, 0.999, 30.0));
        return new SensitivityReport("m.onnx", "ef".repeat(32), "max", "accuracy", true, "lines [64, 128)", 0.97, 0.5,
                ranking, new SensitivityReport.Search(0.02, List.of("conv<a>"), 0.96, 0.01, true,
                        List.of(new PartialQuantization.Step(0, null, 0.5, 0.47),
                                new PartialQuantization.Step(1, "conv<a>", 0.96, 0.01))),
                null, "lines [0, 64)", 64L, 64L);
    }
}
