using System.Globalization;
using System.Text;

namespace OpenMotoko.Skills.Shell;

/// <summary>Drains a pipe to its end but keeps only the first <see cref="MaxBytes"/>, so a chatty command never blocks or floods.</summary>
internal sealed class CappedOutput
{
    public const int MaxBytes = 64 * 1024;

    private readonly MemoryStream _kept = new();
    private long _total;

    public async Task DrainAsync(Stream pipe, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await pipe.ReadAsync(buffer, cancellationToken)) > 0)
            {
                var room = (int)Math.Max(0, MaxBytes - _kept.Length);
                _kept.Write(buffer, 0, Math.Min(room, read));
                _total += read;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // the pipe was closed under us after the command ended; keep what arrived
        }
    }

    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);
        return _total > _kept.Length
            ? string.Create(CultureInfo.InvariantCulture, $"{text}\n[output truncated: {_total} bytes, first {MaxBytes} shown]")
            : text;
    }
}
