package dev.trt4j.triton;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Triton Inference Server {@code config.pbtxt} for a TensorRT plan ({@code platform: "tensorrt_plan"}), written
 * in protobuf text format.
 *
 * @param name              the model name (its folder in the repository)
 * @param maxBatchSize      the largest batch Triton forms; 0 when the engine's shapes include a fixed batch
 * @param inputs            the inputs
 * @param outputs           the outputs
 * @param preferredBatches  dynamic batching: batch sizes the scheduler aims for (empty: as large as possible)
 * @param maxQueueDelayUs   dynamic batching: how long a request may wait for others (µs); negative turns dynamic
 *                          batching off (it is always off when {@code maxBatchSize} is 0)
 * @param instances         execution instances of the model per GPU in {@code gpus}
 * @param gpus              the GPUs the instances run on; empty for all
 * @param target            the TensorRT version and GPU the engine needs, written as a comment at the top; empty
 *                          when no sidecar says
 */
public record TritonModelConfig(String name, int maxBatchSize, List<TritonTensor> inputs, List<TritonTensor> outputs,
                                List<Integer> preferredBatches, long maxQueueDelayUs, int instances,
                                List<Integer> gpus, Optional<EngineTarget> target) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    /**
     * Copies the lists.
     *
     * @param name the model name (its folder in the repository)
     * @param maxBatchSize the largest batch Triton forms; 0 when the engine's shapes include a fixed batch
     * @param inputs the inputs
     * @param outputs the outputs
     * @param preferredBatches dynamic batching: batch sizes the scheduler aims for (empty: as large as possible)
     * @param maxQueueDelayUs dynamic batching: how long a request may wait for others (µs); negative turns dynamic
     *        batching off (it is always off when {@code maxBatchSize} is 0)
     * @param instances execution instances of the model per GPU in {@code gpus}
     * @param gpus the GPUs the instances run on; empty for all
     * @param target the TensorRT version and GPU the engine needs; empty when no sidecar says
     * @throws IllegalArgumentException if the name is not a valid Triton model name, {@code maxBatchSize} is
     *                                  negative or {@code instances} below 1
     */
    public TritonModelConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("a Triton model name uses letters, digits, '_', '.' and '-', got '"
                    + name + "'");
        }
        if (maxBatchSize < 0 || instances < 1) {
            throw new IllegalArgumentException("max batch size must not be negative and instances must be at least 1, "
                    + "got " + maxBatchSize + " and " + instances);
        }
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        preferredBatches = List.copyOf(preferredBatches);
        gpus = List.copyOf(gpus);
        for (int gpu : gpus) {
            if (gpu < 0) {
                throw new IllegalArgumentException("a GPU id must not be negative, got " + gpu);
            }
        }
        for (int b : preferredBatches) {
            if (b < 1 || b > maxBatchSize) {
                throw new IllegalArgumentException("preferred batch " + b + " is outside 1.." + maxBatchSize);
            }
        }
    }

    /** Whether the config turns dynamic batching on. */
    public boolean dynamicBatching() {
        return maxBatchSize > 0 && maxQueueDelayUs >= 0;
    }

    /** The configuration in protobuf text format. */
    public String toPbtxt() {
        StringBuilder sb = new StringBuilder();
        target.ifPresent(t -> sb.append(t.pbtxtComment()));
        sb.append("name: ").append(quote(name)).append('\n');
        sb.append("platform: \"tensorrt_plan\"\n");
        sb.append("max_batch_size: ").append(maxBatchSize).append('\n');
        tensors(sb, "input", inputs);
        tensors(sb, "output", outputs);
        if (dynamicBatching()) {
            sb.append("dynamic_batching {\n");
            if (!preferredBatches.isEmpty()) {
                sb.append("  preferred_batch_size: [ ").append(join(preferredBatches)).append(" ]\n");
            }
            sb.append("  max_queue_delay_microseconds: ").append(maxQueueDelayUs).append('\n');
            sb.append("}\n");
        }
        sb.append("instance_group [\n  {\n    count: ").append(instances).append("\n    kind: KIND_GPU\n");
        if (!gpus.isEmpty()) {
            sb.append("    gpus: [ ").append(join(gpus)).append(" ]\n");
        }
        sb.append("  }\n]\n");
        return sb.toString();
    }

    private static void tensors(StringBuilder sb, String field, List<TritonTensor> tensors) {
        sb.append(field).append(" [\n");
        for (int i = 0; i < tensors.size(); i++) {
            TritonTensor t = tensors.get(i);
            sb.append("  {\n    name: ").append(quote(t.name())).append("\n    data_type: ").append(t.tritonType());
            if (t.dims().length == 0) {
                // A batched tensor of the batch dimension alone ([N] scores): Triton requires dims, and takes this
                // form for it.
                sb.append("\n    dims: [ 1 ]\n    reshape: { shape: [ ] }");
            } else {
                sb.append("\n    dims: [ ").append(Arrays.stream(t.dims()).mapToObj(Long::toString)
                        .collect(Collectors.joining(", "))).append(" ]");
            }
            sb.append("\n  }").append(i < tensors.size() - 1 ? ",\n" : "\n");
        }
        sb.append("]\n");
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** {@code text} as a protobuf text-format string: quotes, backslashes and control characters escaped. */
    static String quote(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format(Locale.ROOT,
                                "\\%03o", (int) c)); // a raw line break would end the string
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
