/**
 * trt4j's engine services implemented with the JavaCPP presets for TensorRT 10.15 and CUDA 13.1.
 *
 * <p>This is the only package that sees JavaCPP types. The service classes found by
 * {@link java.util.ServiceLoader} ({@link dev.trt4j.tensorrt.TrtEngineBuilder},
 * {@link dev.trt4j.tensorrt.TrtEngineRuntime}, {@link dev.trt4j.tensorrt.TrtGpuEnvironmentProbe}) have no
 * JavaCPP types in their signatures, and nothing loads a native library before
 * {@link dev.trt4j.tensorrt.NativeLibraries} has checked, in this order: the CUDA driver file
 * ({@code libcuda.so.1}, looked for without loading it), then JavaCPP's loading of the CUDA runtime, TensorRT
 * and its ONNX parser (from the {@code -redist} jars of {@code -Pgpu}, else from the system library path).
 * The first failure becomes a {@link dev.trt4j.Trt4jException} with one line naming the library and how to
 * get it.
 *
 * <p>Lifetimes: every Java object TensorRT calls back (logger, calibrator) and every buffer it points into is
 * held in a field of the object that owns the TensorRT call, and released only after that call returned.
 * No exception crosses a native callback: callbacks catch everything, log it, and return the failure value.
 * Memory trt4j allocates itself (CUDA buffers, pinned host buffers, streams, events, graphs, calibrators) is freed by
 * its owner's {@code close()}; objects TensorRT's factories return (builder, network, parser, config, runtime,
 * engine, context, serialized plans, timing caches) cannot be deleted through the 10.15 presets and stay allocated
 * until the process exits (bytedeco/javacpp-presets#1699).
 */
package dev.trt4j.tensorrt;
