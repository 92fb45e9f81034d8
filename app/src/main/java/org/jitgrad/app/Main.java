package org.jitgrad.app;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.jitgrad.app.cli.BenchCommand;
import org.jitgrad.app.cli.Cli;
import org.jitgrad.app.cli.EvalCommand;
import org.jitgrad.app.cli.ExportCommand;
import org.jitgrad.app.cli.GptCommand;
import org.jitgrad.app.cli.PredictCommand;
import org.jitgrad.app.cli.ServeCommand;
import org.jitgrad.app.cli.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code jitgrad} command: train, evaluate and use MLPs on MNIST or the digits data. */
@Command(name = "jitgrad",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, BenchCommand.class, ServeCommand.class,
                GptCommand.class, ExportCommand.class, CommandLine.HelpCommand.class},
        description = {"Train and use neural networks with JitGrad, reverse-mode autodiff on float32 tensors for the JVM.",
                "",
                "Start with: jitgrad train   (MNIST, MLP 784-256-128-10, Adam, 3 epochs, compiled engine)",
                "       or: jitgrad gpt train   (a character-level GPT on tinyshakespeare, nanoGPT's CPU run)"},
        footer = {"", "Run 'jitgrad COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: train, eval, predict, bench, serve, gpt or export");
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs a command line in-process, writing to {@code out} and {@code err}.
     *
     * @return the exit code: 0 on success, 1 on an error, 2 on bad usage
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = Cli.configure(new CommandLine(new Main()));
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }
}
