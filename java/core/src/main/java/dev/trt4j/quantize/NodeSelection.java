package dev.trt4j.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trt4j.Trt4jException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Nodes of a graph picked by name, by operator type or by a regular expression found in their names, e.g. the
 * nodes {@link Fp16Converter} keeps in FP32. Unnamed nodes are called {@code OpType#index}, as in trt4j's reports.
 *
 * <pre>{@code
 * NodeSelection keep = NodeSelection.parse(model.getGraph(), List.of("head/MatMul", "Softmax", "^attn/.*score"));
 * }</pre>
 *
 * @param nodes    node names
 * @param opTypes  operator types: every node of each
 * @param patterns Java regular expressions, found anywhere in a node's name (anchor with {@code ^…$} for whole names)
 */
public record NodeSelection(List<String> nodes, List<String> opTypes, List<String> patterns) {
    /** Selects nothing. */
    public static final NodeSelection NONE = new NodeSelection(List.of(), List.of(), List.of());

    /**
     * @param nodes node names
     * @param opTypes operator types: every node of each
     * @param patterns Java regular expressions, found anywhere in a node's name (anchor with {@code ^…$} for whole
     *        names)
     * @throws IllegalArgumentException naming a pattern that is not a valid regular expression
     */
    public NodeSelection {
        nodes = List.copyOf(nodes);
        opTypes = List.copyOf(opTypes);
        patterns = List.copyOf(patterns);
        patterns.forEach(NodeSelection::compile);
    }

    /** The nodes named {@code names}. */
    public static NodeSelection ofNodes(Collection<String> names) {
        return new NodeSelection(List.copyOf(new TreeSet<>(names)), List.of(), List.of());
    }

    /**
     * Sorts {@code values} as a command line gives them: each is a node name if a node of {@code graph} has it,
     * else an operator type if a node has it, else a regular expression that must be found in some node's name.
     *
     * @throws IllegalArgumentException naming the first value that picks no node of {@code graph} (most likely a
     *                                  typo), that is blank, or that is none of the three and no valid regular
     *                                  expression
     */
    public static NodeSelection parse(GraphProto graph, List<String> values) {
        List<String> labels = labels(graph);
        Set<String> types = new HashSet<>();
        graph.getNodeList().forEach(n -> types.add(n.getOpType()));
        List<String> nodes = new ArrayList<>();
        List<String> opTypes = new ArrayList<>();
        List<String> patterns = new ArrayList<>();
        for (String value : values) {
            if (value.isBlank()) {
                // An empty shell variable, most likely: as a pattern it would select every node without a word.
                throw new IllegalArgumentException("'" + value + "' is empty, which as a pattern would select every "
                        + "node; give a node name, an operator type or a pattern ('.' selects every node)");
            }
            if (labels.contains(value)) {
                nodes.add(value);
            } else if (types.contains(value)) {
                opTypes.add(value);
            } else {
                Pattern p;
                try {
                    p = Pattern.compile(value);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("'" + value + "' is no node name or operator type, and not a "
                            + "valid regular expression: " + e.getDescription(), e);
                }
                if (labels.stream().noneMatch(l -> p.matcher(l).find())) {
                    throw new IllegalArgumentException("'" + value + "' matches no node name, operator type or "
                            + "node-name pattern");
                }
                patterns.add(value);
            }
        }
        return new NodeSelection(nodes, opTypes, patterns);
    }

    /** Whether this selects no node of any graph. */
    public boolean isEmpty() {
        return nodes.isEmpty() && opTypes.isEmpty() && patterns.isEmpty();
    }

    /** This selection and the nodes named {@code names} as well. */
    public NodeSelection withNodes(Collection<String> names) {
        List<String> all = new ArrayList<>(nodes);
        names.stream().filter(n -> !nodes.contains(n)).forEach(all::add);
        return new NodeSelection(all, opTypes, patterns);
    }

    /** The names (or {@code OpType#index}) of the nodes of {@code graph} this selects, in graph order. */
    public Set<String> select(GraphProto graph) {
        BiPredicate<NodeProto, String> selects = matcher();
        Set<String> selected = new LinkedHashSet<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            String label = GraphIndex.label(n, i);
            if (selects.test(n, label)) {
                selected.add(label);
            }
        }
        return selected;
    }

    /**
     * Whether this selects a node, given the node and its label (name, or {@code OpType#index}); the patterns are
     * compiled once, for callers that test every node of a graph.
     */
    public BiPredicate<NodeProto, String> matcher() {
        List<Pattern> compiled = patterns.stream().map(NodeSelection::compile).toList();
        return (node, label) -> nodes.contains(label) || opTypes.contains(node.getOpType())
                || compiled.stream().anyMatch(p -> p.matcher(label).find());
    }

    /**
     * Fails if a name, operator type or pattern of this selection picks no node of {@code graph}: it would change
     * nothing, which is most likely a typo.
     *
     * @param purpose what the selection is for, for the message, e.g. {@code "to keep in FP32"}
     * @throws Trt4jException naming the first such value
     */
    public void requireEachSelects(GraphProto graph, String purpose) {
        firstUnmatched(graph).ifPresent(u -> {
            throw new Trt4jException(switch (u.kind()) {
                case NODE -> "node '" + u.value() + "' " + purpose + " does not exist in the model";
                case OP_TYPE -> "operator type '" + u.value() + "' " + purpose + " does not occur in the model";
                case PATTERN -> "pattern '" + u.value() + "' " + purpose + " matches no node name in the model";
            });
        });
    }

    /** The first name, operator type or pattern (in that order) of this selection that picks no node of the graph. */
    Optional<Unmatched> firstUnmatched(GraphProto graph) {
        return firstUnmatched(graph, label -> true);
    }

    /**
     * The first name, operator type or pattern (in that order) of this selection that picks no node of the graph
     * whose label {@code among} accepts, e.g. none of the nodes an operation could change.
     */
    Optional<Unmatched> firstUnmatched(GraphProto graph, Predicate<String> among) {
        List<String> labels = labels(graph);
        for (String n : nodes) {
            if (!labels.contains(n) || !among.test(n)) {
                return Optional.of(new Unmatched(Unmatched.Kind.NODE, n));
            }
        }
        for (String t : opTypes) {
            boolean picks = false;
            for (int i = 0; i < graph.getNodeCount() && !picks; i++) {
                picks = graph.getNode(i).getOpType().equals(t) && among.test(labels.get(i));
            }
            if (!picks) {
                return Optional.of(new Unmatched(Unmatched.Kind.OP_TYPE, t));
            }
        }
        for (String regex : patterns) {
            Pattern p = compile(regex);
            if (labels.stream().noneMatch(l -> p.matcher(l).find() && among.test(l))) {
                return Optional.of(new Unmatched(Unmatched.Kind.PATTERN, regex));
            }
        }
        return Optional.empty();
    }

    /** A value of a selection that picks no node; each caller words its own message. */
    record Unmatched(Kind kind, String value) {
        enum Kind { NODE, OP_TYPE, PATTERN }

        /**
         * The nodes of {@code graph} this value picks, counted by the kind {@code kindOf} gives node {@code i}, e.g.
         * {@code Mul ×2, integer Shape ×1}: what a refusal of a value that changes nothing shows it matched.
         */
        String matchedKinds(GraphProto graph, java.util.function.IntFunction<String> kindOf) {
            Pattern p = kind == Kind.PATTERN ? Pattern.compile(value) : null;
            java.util.Map<String, Integer> kinds = new java.util.LinkedHashMap<>();
            for (int i = 0; i < graph.getNodeCount(); i++) {
                NodeProto node = graph.getNode(i);
                String label = GraphIndex.label(node, i);
                boolean matches = switch (kind) {
                    case NODE -> label.equals(value);
                    case OP_TYPE -> node.getOpType().equals(value);
                    case PATTERN -> p.matcher(label).find();
                };
                if (matches) {
                    kinds.merge(kindOf.apply(i), 1, Integer::sum);
                }
            }
            StringBuilder what = new StringBuilder();
            kinds.forEach((k, count) -> what.append(what.length() == 0 ? "" : ", ").append(k).append(" ×")
                    .append(count));
            return what.toString();
        }
    }

    private static List<String> labels(GraphProto graph) {
        List<String> labels = new ArrayList<>(graph.getNodeCount());
        for (int i = 0; i < graph.getNodeCount(); i++) {
            labels.add(GraphIndex.label(graph.getNode(i), i));
        }
        return labels;
    }

    private static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + regex + "' is not a valid regular expression: "
                    + e.getDescription(), e);
        }
    }
}
