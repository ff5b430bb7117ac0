namespace OpenMotoko.Channels.Plugins;

/// <summary>A plugin refused a send or edit (its ack said ok: false), did not answer in time, or is not running; an I/O failure of the pipe to it.</summary>
internal sealed class PluginSendException(string message) : IOException(message);
