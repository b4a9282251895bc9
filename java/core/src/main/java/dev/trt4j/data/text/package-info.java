/**
 * Text calibration data: sentences tokenized for transformer models, and sentences rendered into text-line
 * images (with known labels) for OCR models. Sentences come from {@code .txt} files or the bundled public-domain
 * set ({@link dev.trt4j.data.text.BundledSentences}).
 */
package dev.trt4j.data.text;
