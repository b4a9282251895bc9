/**
 * ONNX model rewrites for INT8 and FP16: {@link dev.trt4j.quantize.QdqQuantizer} places QuantizeLinear/DequantizeLinear
 * pairs from a calibration table for TensorRT or ONNX Runtime, {@link dev.trt4j.quantize.Fp16Converter} converts to
 * FP16, and the FP32-exact preparations that run before them: opset upgrade, input specialization, BatchNorm and
 * affine folding, SmoothQuant and depthwise equalization, bias correction. Models are protobuf {@code ModelProto}s,
 * which are immutable: a rewrite returns a new model.
 */
package dev.trt4j.quantize;
