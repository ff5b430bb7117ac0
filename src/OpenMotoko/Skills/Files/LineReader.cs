using System.Text;

namespace OpenMotoko.Skills.Files;

/// <summary>
/// Reads the lines of a UTF-8 text with fixed buffers, however long a line is: the caller keeps only
/// a window of each line, so a file of one 200 MB line costs as little memory as a short one. Line
/// ends are \n, \r\n or \r, as StreamReader.ReadLine has them; a leading byte order mark is dropped.
/// </summary>
internal sealed class LineReader(Stream stream, long maxBytes = long.MaxValue)
{
    private const int BufferBytes = 64 * 1024;

    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private readonly byte[] _bytes = new byte[BufferBytes];
    private readonly char[] _chars = new char[BufferBytes + 1];
    private int _position;
    private int _count;
    private bool _started;
    private bool _ended;
    private bool _afterCarriageReturn;

    /// <summary>Bytes taken from the stream so far (never more than the limit given).</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Reads the next line and appends its characters from <paramref name="skip"/> on, at most
    /// <paramref name="keep"/> of them, to <paramref name="window"/>. Returns the line's full length
    /// in characters, or -1 at the end of the text.
    /// </summary>
    public async ValueTask<long> NextLineAsync(long skip, int keep, StringBuilder? window, CancellationToken cancellationToken)
    {
        long length = 0;
        var any = false;
        while (true)
        {
            while (_position == _count)
            {
                if (!await FillAsync(cancellationToken))
                {
                    return any ? length : -1;
                }
            }
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (_chars[_position] == '\n')
                {
                    _position++;
                    continue;
                }
            }
            any = true;
            var rest = _chars.AsSpan(_position, _count - _position);
            var end = rest.IndexOfAny('\r', '\n');
            var piece = end < 0 ? rest : rest[..end];
            if (window is not null)
            {
                var from = Math.Max(0, skip - length);
                var to = Math.Min(piece.Length, skip + keep - length);
                if (to > from)
                {
                    window.Append(piece[(int)from..(int)to]);
                }
            }
            length += piece.Length;
            if (end < 0)
            {
                _position = _count;
                continue;
            }
            _afterCarriageReturn = rest[end] == '\r';
            _position += end + 1;
            return length;
        }
    }

    /// <summary>Decodes the next block; false once the text (or the byte limit) is exhausted.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return false;
        }
        var want = (int)Math.Min(_bytes.Length, maxBytes - BytesRead);
        var read = want > 0 ? await stream.ReadAsync(_bytes.AsMemory(0, want), cancellationToken) : 0;
        BytesRead += read;
        _ended = read == 0;
        _count = _decoder.GetChars(_bytes, 0, read, _chars, 0, flush: _ended);
        _position = 0;
        if (!_started && _count > 0)
        {
            _started = true;
            _position = _chars[0] == '\uFEFF' ? 1 : 0;
        }
        return !_ended || _position < _count;
    }
}
