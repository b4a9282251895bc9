/**
 * The calibration math, with no dependency beyond the JDK: collectors that gather a tensor's magnitude histogram and
 * max |x| in one pass ({@link dev.trt4j.calibrators.TensorStatisticsCollector}), and the methods that turn those
 * statistics into a clipping range (amax) as NVIDIA's pytorch-quantization and ModelOpt do: max, entropy, MSE and
 * percentile, looked up by name through {@link dev.trt4j.calibrators.Calibrators}.
 */
package dev.trt4j.calibrators;
