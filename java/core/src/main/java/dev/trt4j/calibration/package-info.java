/**
 * From collected statistics to calibration tables: {@link dev.trt4j.calibration.MethodSpec} names a method with its
 * options, {@link dev.trt4j.calibration.AmaxTableCalculator} applies it to
 * {@link dev.trt4j.stats.ActivationStatistics}, and {@link dev.trt4j.calibration.CalibrationOutputs} lays out the
 * files a calibration run leaves in its folder.
 */
package dev.trt4j.calibration;
