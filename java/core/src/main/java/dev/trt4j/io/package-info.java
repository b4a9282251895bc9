/**
 * File writing that never leaves a partial result behind: single files written through a temporary file and a rename
 * ({@link dev.trt4j.io.AtomicFiles}), sets of files that appear together or not at all, and read errors put in words.
 */
package dev.trt4j.io;
