using OpenMotoko.Cli;
using OpenMotoko.Hosting;

// The table of contents: build the command line, run what was asked.
return await OpenMotokoCli.RunAsync(args, new CliContext(EnvironmentSnapshot.FromProcess(),
    // Console.In on a terminal would switch it to keypad mode (an escape sequence on screen); passwd reads the terminal itself.
    Console.IsInputRedirected ? Console.In : TextReader.Null, Console.IsInputRedirected, OwnsProcess: true),
    // Console.Out would do the same on a terminal at its first write: the descriptors themselves.
    RawConsole.Writer(1), RawConsole.Writer(2));
