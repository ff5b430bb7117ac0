using System.Text;

namespace OpenMotoko.Registry;

/// <summary>One member of a tar archive, with PAX and GNU long names applied: its path, type flag and data size.</summary>
internal readonly record struct TarMember(string Name, byte Type, long Size);

/// <summary>
/// Reads a tar stream (ustar, PAX or GNU) member by member. System.Formats.Tar is not used because
/// it loads a PAX or GNU long-name header whole, whatever size it declares: a package of a few
/// hundred KB could make it allocate gigabytes. Here each header's size goes through the
/// <see cref="PackageBudget"/> before a byte of it is read.
/// </summary>
internal sealed class TarMembers(Stream tar, PackageBudget budget)
{
    private const int Block = 512;
    private readonly byte[] _header = new byte[Block];
    private readonly byte[] _scratch = new byte[Block];
    private byte[]? _metadata; // one buffer for every PAX or long-name header, each at most MaxHeaderBytes
    private long _dataLeft;
    private long _paddingLeft;

    /// <summary>The next member (anything but PAX and GNU metadata, which it applies); null at the end of the archive.</summary>
    public TarMember? Next()
    {
        Skip(_dataLeft + _paddingLeft);
        string? paxPath = null;
        long? paxSize = null;
        string? longName = null;
        while (ReadHeader())
        {
            var type = _header[156];
            var size = Number(_header.AsSpan(124, 12));
            if (type is (byte)'x' or (byte)'g' or (byte)'L' or (byte)'K')
            {
                budget.CountHeader(type is (byte)'x' or (byte)'g' ? "PAX" : "GNU long-name", size);
                var data = (_metadata ??= new byte[PackageBudget.MaxHeaderBytes]).AsSpan(0, (int)size);
                ReadExactly(data);
                Skip(Padding(size));
                if (type == 'x')
                {
                    ReadPax(data, ref paxPath, ref paxSize);
                }
                else if (type == 'L')
                {
                    longName = Text(data);
                }
                continue;
            }
            var length = paxSize ?? size;
            _dataLeft = length;
            _paddingLeft = Padding(length);
            return new TarMember(paxPath ?? longName ?? HeaderName(), type, length);
        }
        return null;
    }

    /// <summary>Reads the current member's data; 0 once it is all read.</summary>
    public int ReadData(byte[] buffer)
    {
        if (_dataLeft == 0)
        {
            return 0;
        }
        var read = tar.Read(buffer, 0, (int)Math.Min(buffer.Length, _dataLeft));
        if (read == 0)
        {
            throw Broken("it ends in the middle of a member");
        }
        _dataLeft -= read;
        return read;
    }

    /// <summary>False at the end of the archive: a zero block, or the end of the stream between members.</summary>
    private bool ReadHeader()
    {
        var read = tar.ReadAtLeast(_header, Block, throwOnEndOfStream: false);
        if (read == 0 || !_header.AsSpan().ContainsAnyExcept((byte)0))
        {
            return false;
        }
        if (read < Block)
        {
            throw Broken("it ends in the middle of a header");
        }
        var unsigned = 0;
        var signed = 0;
        for (var i = 0; i < Block; i++)
        {
            var value = i is >= 148 and < 156 ? (byte)' ' : _header[i];
            unsigned += value;
            signed += (sbyte)value;
        }
        var stored = Number(_header.AsSpan(148, 8));
        return stored == unsigned || stored == signed ? true : throw Broken("a header's checksum is wrong");
    }

    private string HeaderName()
    {
        var name = Text(_header.AsSpan(0, 100));
        var posix = _header.AsSpan(257, 6).SequenceEqual("ustar\0"u8);
        var prefix = posix ? Text(_header.AsSpan(345, 155)) : "";
        return prefix.Length == 0 ? name : $"{prefix}/{name}";
    }

    /// <summary>PAX records ("length key=value\n"); only path and size matter to unpacking.</summary>
    private static void ReadPax(ReadOnlySpan<byte> data, ref string? path, ref long? size)
    {
        while (data.Length > 0)
        {
            var space = data.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(data[..space], System.Globalization.NumberStyles.None, null, out var length) ||
                length <= space || length > data.Length || data[length - 1] != '\n')
            {
                throw Broken("a PAX header is malformed");
            }
            var record = data[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw Broken("a PAX header is malformed");
            }
            var key = record[..equals];
            if (key.SequenceEqual("path"u8))
            {
                path = Encoding.UTF8.GetString(record[(equals + 1)..]);
            }
            else if (key.SequenceEqual("size"u8))
            {
                size = long.TryParse(record[(equals + 1)..], System.Globalization.NumberStyles.None, null, out var value)
                    ? value : throw Broken("a PAX size is not a number");
            }
            data = data[length..];
        }
    }

    /// <summary>A numeric header field: octal digits (space or NUL padded), or GNU's base-256 with the top bit set.</summary>
    private static long Number(ReadOnlySpan<byte> field)
    {
        long value = 0;
        if ((field[0] & 0x80) != 0)
        {
            if (field[0] == 0xFF)
            {
                throw Broken("a header holds a negative number");
            }
            value = field[0] & 0x7F;
            foreach (var b in field[1..])
            {
                value = value <= (long.MaxValue >> 8) ? (value << 8) | b : throw Broken("a header holds a number too large");
            }
            return value;
        }
        foreach (var b in field.TrimStart((byte)' '))
        {
            if (b is 0 or (byte)' ')
            {
                break;
            }
            value = b is >= (byte)'0' and <= (byte)'7' && value <= (long.MaxValue >> 3)
                ? (value << 3) | (long)(b - '0') : throw Broken("a header holds a malformed number");
        }
        return value;
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    private static long Padding(long size) => (Block - (size % Block)) % Block;

    private void ReadExactly(Span<byte> data)
    {
        if (tar.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length)
        {
            throw Broken("it ends in the middle of a header");
        }
    }

    /// <summary>Reads past <paramref name="count"/> bytes (already counted against the budget).</summary>
    private void Skip(long count)
    {
        for (; count > 0; count -= Block)
        {
            var want = (int)Math.Min(Block, count);
            if (tar.ReadAtLeast(_scratch.AsSpan(0, want), want, throwOnEndOfStream: false) < want)
            {
                throw Broken("it ends in the middle of a member");
            }
        }
        _dataLeft = 0;
        _paddingLeft = 0;
    }

    private static RegistryException Broken(string why) => RegistryException.Rejected($"The package is not a valid archive: {why}.");
}
