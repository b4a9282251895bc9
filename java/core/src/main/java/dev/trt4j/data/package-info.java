/**
 * Calibration, evaluation and benchmark data: {@link dev.trt4j.data.CalibrationDataSource} streams
 * {@link dev.trt4j.data.Batch}es shaped for a model's inputs, {@link dev.trt4j.data.DataSourceFactory} picks the
 * source for a path (images, {@code .npy}/{@code .npz}, raw float32, text, audio) with
 * {@link dev.trt4j.data.DataOptions}, and {@link dev.trt4j.data.StateFeedback} carries a streaming model's state
 * from batch to batch.
 */
package dev.trt4j.data;
