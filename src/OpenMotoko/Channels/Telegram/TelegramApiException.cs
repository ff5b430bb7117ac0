namespace OpenMotoko.Channels.Telegram;

/// <summary>The Bot API answered <c>ok: false</c>: its error code, description and, for 429, how long to wait.</summary>
internal sealed class TelegramApiException(int errorCode, string description, int? retryAfter)
    : Exception($"Telegram answered {errorCode}: {description}")
{
    public int ErrorCode { get; } = errorCode;
    public string Description { get; } = description;
    public int? RetryAfter { get; } = retryAfter;

    /// <summary>401 or 404: the token was revoked or mistyped; retrying cannot help until the config changes.</summary>
    public bool TokenRejected => ErrorCode is 401 or 404;

    /// <summary>Telegram refused the HTML or Markdown entities of a message.</summary>
    public bool CannotParseEntities => ErrorCode == 400 && Description.Contains("can't parse entities", StringComparison.OrdinalIgnoreCase);

    /// <summary>An edit that changed nothing; not a failure.</summary>
    public bool NotModified => ErrorCode == 400 && Description.Contains("message is not modified", StringComparison.OrdinalIgnoreCase);
}
