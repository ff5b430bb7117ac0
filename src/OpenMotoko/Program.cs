using OpenMotoko.Cli;
using OpenMotoko.Hosting;

// The table of contents: build the command line, run what was asked.
return await OpenMotokoCli.RunAsync(args, new CliContext(EnvironmentSnapshot.FromProcess(), Console.In, Console.IsInputRedirected, OwnsProcess: true));
