package dev.trt4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code trt4j help [COMMAND [SUBCOMMAND…]]}: the help of the named command, at any depth. picocli's own help
 * command reads only the first name, so {@code help cache show} printed the help of {@code cache}.
 */
@Command(name = "help", helpCommand = true, description = "Shows the help of a command, for example help cache show.")
public final class NestedHelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, then its subcommands.")
    private List<String> names = new ArrayList<>();

    private CommandLine self;
    private Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter outWriter,
                     PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public void run() {
        // picocli lets a help command through with unknown options; they are still a typo to report
        List<String> options = new ArrayList<>(self.getParseResult() == null ? List.of()
                : self.getParseResult().unmatched());
        names.stream().filter(n -> n.startsWith("-")).forEach(options::add);
        if (!options.isEmpty()) {
            throw new ParameterException(self, "help takes command names only, not '" + options.get(0) + "'; for "
                    + "example: help cache show");
        }
        CommandLine target = self.getParent();
        for (String name : names) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                String choices = String.join(", ", target.getSubcommands().keySet());
                throw new ParameterException(self, "unknown command '" + name + "' after '"
                        + target.getCommandSpec().qualifiedName() + "'"
                        + (choices.isEmpty() ? ": it has no subcommands" : "; choose one of " + choices));
            }
            target = sub;
        }
        target.usage(out, colors);
    }
}
