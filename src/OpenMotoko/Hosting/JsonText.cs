using System.Text.Json;

namespace OpenMotoko.Hosting;

/// <summary>
/// Finds text a JsonElement holds but cannot turn into a .NET string: invalid UTF-8 or a lone
/// surrogate escape (<c>"\ud800"</c>). JsonDocument accepts both; GetString() then throws.
/// </summary>
internal static class JsonText
{
    /// <summary>The path of the first unreadable string or property name, or null when all text is readable.</summary>
    public static string? FindInvalid(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return CanRead(element) ? null : path;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindInvalid(item, $"{path}[{index++}]") is { } bad)
                    {
                        return bad;
                    }
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path;
                    }
                    if (FindInvalid(property.Value, path == "$" ? name : $"{path}.{name}") is { } bad)
                    {
                        return bad;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>A validation detail for unreadable text, or null when all text is readable.</summary>
    public static ErrorDetail? Check(JsonElement element) =>
        FindInvalid(element) is { } path
            ? new ErrorDetail("body", path, "contains text that is not valid UTF-8 (a broken byte sequence or a lone surrogate escape)")
            : null;

    private static bool CanRead(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
