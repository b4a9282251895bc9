/**
 * Image calibration data: JPEG/PNG folders decoded with ImageIO and turned into float tensors by an
 * {@link dev.trt4j.data.image.ImagePreprocessing} (resize, scale, mean/std, channel order, layout), with
 * presets for PP-OCR and ImageNet models. Pixel values are 0–255 before {@code scale}.
 */
package dev.trt4j.data.image;
