namespace OpenMotoko.Channels.Plugins;

internal static partial class PluginsLog
{
    [LoggerMessage(EventId = 5101, EventName = "PluginStderr", Level = LogLevel.Information, Message = "Plugin {PluginId} stderr: {Line}")]
    public static partial void Stderr(ILogger logger, string pluginId, string line);

    [LoggerMessage(EventId = 5102, EventName = "PluginLog", Level = LogLevel.Information, Message = "Plugin {PluginId} ({Level}): {Line}")]
    public static partial void Said(ILogger logger, string pluginId, string level, string line);

    [LoggerMessage(EventId = 5103, EventName = "PluginBadLine", Level = LogLevel.Warning, Message = "Plugin {PluginId}: ignored a line: {Problem}")]
    public static partial void BadLine(ILogger logger, string pluginId, string problem);

    [LoggerMessage(EventId = 5104, EventName = "PluginExited", Level = LogLevel.Warning, Message = "Plugin {PluginId} exited ({Problem}); restarting in {Seconds} s")]
    public static partial void Exited(ILogger logger, string pluginId, string problem, double seconds);

    [LoggerMessage(EventId = 5105, EventName = "PluginStarted", Level = LogLevel.Information, Message = "Plugin {PluginId} started: {Name} {Version}, protocol {Protocol}")]
    public static partial void Started(ILogger logger, string pluginId, string name, string? version, int protocol);

    [LoggerMessage(EventId = 5106, EventName = "PluginInstalled", Level = LogLevel.Information, Message = "Plugin {PluginId} installed from {Source} {Where}")]
    public static partial void Installed(ILogger logger, string pluginId, string source, string where);

    [LoggerMessage(EventId = 5107, EventName = "PluginRemoved", Level = LogLevel.Information, Message = "Plugin {PluginId} removed")]
    public static partial void Removed(ILogger logger, string pluginId);
}
