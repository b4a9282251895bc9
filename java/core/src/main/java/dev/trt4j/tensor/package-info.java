/**
 * The tensors that flow between data sources and inference backends: {@link dev.trt4j.tensor.HostTensor} (dense, on
 * the Java heap), its {@link dev.trt4j.tensor.ElementType}s, and {@link dev.trt4j.tensor.TensorSpec}, a model
 * input's or output's name, type and shape.
 */
package dev.trt4j.tensor;
