package dev.trt4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Help whose synopsis shows {@code --shapes} as given once ({@code [--shapes=SPEC]}) in the commands that take it
 * once. The option is a list in {@link DataArguments} because build, which shares it, takes one per optimization
 * profile; picocli marks every list option repeatable ({@code [--shapes=SPEC]...}), while the other commands refuse a
 * second {@code --shapes}, since their samples take one set of shapes.
 */
final class ShapesSynopsisHelp extends CommandLine.Help {
    private static final String SHAPES = "--shapes";

    private ShapesSynopsisHelp(CommandSpec spec, ColorScheme scheme) {
        super(spec, scheme);
    }

    /** Installs this help in {@code cl} and every subcommand it holds now. */
    static void install(CommandLine cl) {
        cl.setHelpFactory(ShapesSynopsisHelp::new);
    }

    @Override
    protected Text createDetailedSynopsisOptionsText(Collection<ArgSpec> done, List<OptionSpec> optionList,
            Comparator<OptionSpec> optionSort, boolean clusterBooleanOptions) {
        if (commandSpec().userObject() instanceof DataArguments.RepeatsShapes) {
            return super.createDetailedSynopsisOptionsText(done, optionList, optionSort, clusterBooleanOptions);
        }
        List<OptionSpec> shown = optionList.stream().map(o -> isRepeatedShapes(o) ? once(o) : o).toList();
        return super.createDetailedSynopsisOptionsText(done, shown, optionSort, clusterBooleanOptions);
    }

    private static boolean isRepeatedShapes(OptionSpec option) {
        return option.isMultiValue() && List.of(option.names()).contains(SHAPES);
    }

    /** The option as the synopsis shows one taken once: only what the synopsis renders is copied. */
    private static OptionSpec once(OptionSpec option) {
        return OptionSpec.builder(option.names()).paramLabel(option.paramLabel()).type(String.class)
                .arity(option.arity().toString()).required(option.required()).hidden(option.hidden())
                .hideParamSyntax(option.hideParamSyntax()).build();
    }
}
