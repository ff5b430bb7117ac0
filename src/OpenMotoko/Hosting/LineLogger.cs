using System.Text;
using OpenMotoko.Cli;

namespace OpenMotoko.Hosting;

/// <summary>
/// The daemon's log: one line per entry (<c>2026-12-05T21:23:50.864Z info: Category[5] message</c>),
/// below Warning on stdout and from Warning up on stderr, so journald and a terminal both get whole
/// lines. It writes to the process's descriptors itself: System.Console would initialise the terminal
/// on first use and print terminfo's keypad escape (ESC[?1h ESC=) before the first line, and the
/// framework's console logger costs options, monitors and a formatter registry at start-up for what
/// is a string and one write. Levels are coloured on a terminal unless NO_COLOR is set.
/// </summary>
internal sealed class LineLoggerProvider : ILoggerProvider
{
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly bool _colorOut;
    private readonly bool _colorError;
    private readonly Lock _gate = new();

    public LineLoggerProvider()
        : this(RawConsole.Writer(1), RawConsole.Writer(2),
            colorOut: UseColor(Console.IsOutputRedirected), colorError: UseColor(Console.IsErrorRedirected))
    {
    }

    internal LineLoggerProvider(TextWriter output, TextWriter error, bool colorOut, bool colorError)
    {
        _out = output;
        _error = error;
        _colorOut = colorOut;
        _colorError = colorError;
    }

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    public void Dispose()
    {
    }

    private static bool UseColor(bool redirected) =>
        !redirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    internal static string Format(LogLevel level, string category, EventId eventId, string message, Exception? exception, bool color)
    {
        var line = new StringBuilder(64 + category.Length + message.Length);
        line.Append(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fff'Z '", System.Globalization.CultureInfo.InvariantCulture));
        var (name, ansi) = level switch
        {
            LogLevel.Trace => ("trce", "\e[90m"),
            LogLevel.Debug => ("dbug", "\e[90m"),
            LogLevel.Information => ("info", "\e[32m"),
            LogLevel.Warning => ("warn", "\e[33m"),
            LogLevel.Error => ("fail", "\e[31m"),
            _ => ("crit", "\e[1;31m"),
        };
        if (color)
        {
            line.Append(ansi).Append(name).Append("\e[0m");
        }
        else
        {
            line.Append(name);
        }
        line.Append(": ").Append(category).Append('[').Append(eventId.Id).Append("] ");
        AppendOneLine(line, message);
        if (exception is not null)
        {
            line.Append(' ');
            AppendOneLine(line, exception.ToString());
        }
        return line.Append('\n').ToString();
    }

    // An entry stays one line: journald would make each line of a stack trace its own entry.
    private static void AppendOneLine(StringBuilder line, string text)
    {
        foreach (var c in text)
        {
            line.Append(c is '\n' or '\r' ? ' ' : c);
        }
    }

    private void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var toError = level >= LogLevel.Warning;
        var text = Format(level, category, eventId, message, exception, toError ? _colorError : _colorOut);
        lock (_gate)
        {
            try
            {
                (toError ? _error : _out).Write(text);
            }
            catch (IOException)
            {
                // A closed terminal or a gone journald must not take a request down with it.
            }
        }
    }

    private sealed class LineLogger(LineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.None)
            {
                return;
            }
            provider.Write(logLevel, category, eventId, formatter(state, exception), exception);
        }
    }
}
