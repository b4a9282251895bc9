package dev.trt4j.cli.command;

import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Locale;
import java.util.Map;
import java.util.Stack;

/**
 * Lets {@code --bias-correction} take its optional value ({@code conv}, {@code all}) only when the next word is one:
 * otherwise picocli would take any next word as the value, so a misspelt option after it ({@code --bias-correction
 * --exlude X}) or the model ({@code --bias-correction model.onnx}) would be reported as a wrong scope. A value given
 * with {@code =} is always taken, and a wrong one refused by name.
 */
public final class BiasCorrectionScopeValue implements IParameterPreprocessor {
    @Override
    public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
        if ("=".equals(info.get("separator")) || args.isEmpty()) {
            return false;
        }
        String next = args.peek().toLowerCase(Locale.ROOT);
        if (next.equals("conv") || next.equals("all")) {
            return false;
        }
        argSpec.setValue("conv");
        return true;
    }
}
