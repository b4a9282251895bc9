/**
 * Serving trt4j engines from Triton Inference Server: {@link dev.trt4j.triton.TritonConfigFromEngine} turns an
 * engine's tensors ({@link dev.trt4j.triton.EngineTensors}) and its sidecar's profile into a
 * {@link dev.trt4j.triton.TritonModelConfig}, and {@link dev.trt4j.triton.TritonRepository} lays out the model
 * repository.
 */
package dev.trt4j.triton;
