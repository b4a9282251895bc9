/**
 * What every part of trt4j shares: {@link dev.trt4j.Trt4jException}, the one-line error a user can act on, its
 * subclass {@link dev.trt4j.InvalidOptionException} for requests that are wrong before any file is read, and the
 * version in use ({@link dev.trt4j.Trt4jVersion}).
 */
package dev.trt4j;
