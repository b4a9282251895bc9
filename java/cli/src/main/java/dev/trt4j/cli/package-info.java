/**
 * The {@code trt4j} command line ({@link dev.trt4j.cli.Trt4jCommand}): picocli wiring, the exit-code policy
 * (0 ok, 1 failure with one {@code trt4j: <message>} line, 2 usage), {@code --json} output and progress bars.
 * Commands live in {@code dev.trt4j.cli.command}; each turns options into one call of the core library.
 */
package dev.trt4j.cli;
