/**
 * Audio calibration data: WAV files decoded with {@code javax.sound.sampled}, mixed down to mono, scaled to
 * [-1, 1) and cut into the fixed-length windows a streaming audio model reads (e.g. Silero VAD's 512 samples).
 */
package dev.trt4j.data.audio;
