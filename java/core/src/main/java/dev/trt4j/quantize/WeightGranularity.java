package dev.trt4j.quantize;

/** How many scales a weight tensor gets. */
public enum WeightGranularity {
    /** One scale per output channel (NVIDIA's recipe and the default). */
    PER_CHANNEL,
    /** One scale for the whole tensor (for comparison with per-channel). */
    PER_TENSOR
}
