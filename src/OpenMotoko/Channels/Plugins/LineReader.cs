using System.Text;

namespace OpenMotoko.Channels.Plugins;

/// <summary>
/// Reads UTF-8 lines from a child's pipe with a cap on each line: a longer line is skipped up to
/// its newline and reported as null text with <c>TooLong</c>, so an untrusted child cannot make the daemon buffer without bound.
/// </summary>
internal sealed class LineReader(Stream stream, int maxBytes)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _line = new();
    private int _start;
    private int _end;
    private bool _skipping;

    /// <summary>The next line (without its newline), or null at the end of the stream.</summary>
    public async Task<(string? Text, bool TooLong)?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken);
                if (_end == 0)
                {
                    return _line.Length > 0 || _skipping ? Take() : null;
                }
            }
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            if (!_skipping)
            {
                _line.Write(_buffer, _start, stop - _start);
                if (_line.Length > maxBytes)
                {
                    _skipping = true;
                    _line.SetLength(0);
                }
            }
            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0)
            {
                return Take();
            }
        }
    }

    private (string?, bool) Take()
    {
        var tooLong = _skipping;
        var text = tooLong ? null : Encoding.UTF8.GetString(_line.GetBuffer(), 0, (int)_line.Length).TrimEnd('\r');
        _line.SetLength(0);
        _skipping = false;
        return (text, tooLong);
    }
}
