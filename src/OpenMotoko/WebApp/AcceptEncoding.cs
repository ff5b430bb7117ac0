using Microsoft.Extensions.Primitives;

namespace OpenMotoko.WebApp;

/// <summary>Picks the precompressed variant a client accepts: brotli, else gzip, else the file as it is.</summary>
internal static class AcceptEncoding
{
    public static string? Choose(StringValues header, bool hasBrotli, bool hasGzip)
    {
        double? brotli = null, gzip = null, any = null;
        foreach (var value in header)
        {
            foreach (var entry in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var semicolon = entry.IndexOf(';', StringComparison.Ordinal);
                var coding = (semicolon < 0 ? entry : entry[..semicolon]).Trim();
                var quality = semicolon < 0 ? 1 : Quality(entry[(semicolon + 1)..]);
                if (coding.Equals("br", StringComparison.OrdinalIgnoreCase)) brotli = quality;
                else if (coding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || coding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase)) gzip = quality;
                else if (coding == "*") any = quality;
            }
        }
        // A coding not named takes the quality of "*", if given (RFC 9110 12.5.3).
        var br = hasBrotli ? brotli ?? any ?? 0 : 0;
        var gz = hasGzip ? gzip ?? any ?? 0 : 0;
        if (br > 0 && br >= gz) return "br";
        return gz > 0 ? "gzip" : null;
    }

    private static double Quality(string parameters)
    {
        foreach (var parameter in parameters.Split(';', StringSplitOptions.TrimEntries))
        {
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase) &&
                double.TryParse(parameter[2..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var q))
            {
                return Math.Clamp(q, 0, 1);
            }
        }
        return 1;
    }
}
