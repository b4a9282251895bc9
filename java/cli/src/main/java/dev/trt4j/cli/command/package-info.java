/**
 * The {@code trt4j} subcommands, one class per verb: {@code inspect}, {@code calibrate}, {@code amax},
 * {@code cache show}, {@code cache convert}, {@code build} and {@code doctor}.
 * Each turns its options into typed values and calls the core library; errors reach the user through
 * {@link dev.trt4j.cli.Trt4jCommand}'s exit-code policy.
 */
package dev.trt4j.cli.command;
