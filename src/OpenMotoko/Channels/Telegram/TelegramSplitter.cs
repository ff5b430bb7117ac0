namespace OpenMotoko.Channels.Telegram;

/// <summary>
/// Cuts a long answer into messages under Telegram's 4096-character limit: at a paragraph break if
/// one is near the end, else at a line break, else at a space; outside code blocks when it can, and
/// when it cannot, the block is closed at the cut and reopened in the next part.
/// </summary>
internal static class TelegramSplitter
{
    public const int MaxMessage = 4096;
    public const int Limit = 4000; // leaves room to close and reopen a code fence

    public static IReadOnlyList<string> Split(string text, int limit = Limit)
    {
        var parts = new List<string>();
        var rest = text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\n');
        while (rest.Length > limit)
        {
            var cut = Cut(rest, limit);
            var part = rest[..cut].TrimEnd();
            rest = rest[cut..].TrimStart('\n');
            if (OpenFence(part) is { } fence)
            {
                part += "\n```";
                rest = fence + "\n" + rest;
            }
            parts.Add(part);
        }
        if (rest.Trim().Length > 0)
        {
            parts.Add(rest);
        }
        return parts;
    }

    private static int Cut(string text, int limit)
    {
        var least = limit / 4;
        foreach (var separator in (string[])["\n\n", "\n"])
        {
            for (var at = text.LastIndexOf(separator, limit - 1, StringComparison.Ordinal); at >= least;
                 at = at == 0 ? -1 : text.LastIndexOf(separator, at - 1, StringComparison.Ordinal))
            {
                if (OpenFence(text[..at]) is null)
                {
                    return at;
                }
            }
        }
        var line = text.LastIndexOf('\n', limit - 1);
        if (line >= least)
        {
            return line;
        }
        var space = text.LastIndexOf(' ', limit - 1);
        return space >= least ? space : limit;
    }

    /// <summary>The opening fence line when <paramref name="text"/> ends inside a code block, else null.</summary>
    private static string? OpenFence(string text)
    {
        string? open = null;
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                open = open is null ? trimmed.TrimEnd() : null;
            }
        }
        return open;
    }
}
