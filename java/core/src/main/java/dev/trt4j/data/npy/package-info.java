/**
 * Reading and writing NumPy {@code .npy} arrays and {@code .npz} archives, and calibration sources over them.
 *
 * <p>Only what calibration data needs is supported: C-order arrays of float16/float32/float64, signed and unsigned integers of 1 to 8 bytes
 * and bool in either byte order. Arrays are held in memory as little-endian bytes; the sources stream rows so
 * that only one batch is in memory at a time. Files are always written atomically.
 */
package dev.trt4j.data.npy;
