package org.jitgrad.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jitgrad gpt}: the character-level GPT's commands. */
@Command(name = "gpt", mixinStandardHelpOptions = true,
        subcommands = {GptTrainCommand.class, GptSampleCommand.class, CommandLine.HelpCommand.class},
        description = {"A character-level GPT (nanoGPT's model) trained on tinyshakespeare or any text, and sampled.",
                "",
                "Start with: jitgrad gpt train --save gpt.ckpt   then   jitgrad gpt sample --load gpt.ckpt"})
public final class GptCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: gpt train or gpt sample");
    }
}
