using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace OpenMotoko.Tests.Registry;

/// <summary>
/// Writes tar headers byte by byte, so a test can declare what no well-behaved writer would (a PAX
/// header of hundreds of MiB, thousands of GNU long names) and stream the payload straight into gzip.
/// </summary>
internal sealed class RawTar : IDisposable
{
    private readonly MemoryStream _output = new();
    private readonly GZipStream _gzip;
    private readonly byte[] _chunk = new byte[1024 * 1024];

    public RawTar() => _gzip = new GZipStream(_output, CompressionLevel.Optimal, leaveOpen: true);

    /// <summary>A member of <paramref name="type"/> ('0' file, '5' folder, 'x'/'g' PAX, 'L'/'K' GNU long names) with its data.</summary>
    public RawTar Member(string name, char type, byte[] data)
    {
        _gzip.Write(Header(name, type, data.Length, gnu: type is 'L' or 'K'));
        _gzip.Write(data);
        Pad(data.Length);
        return this;
    }

    /// <summary>
    /// A member of <paramref name="size"/> bytes: <paramref name="start"/>, <paramref name="fill"/> repeated, then
    /// <paramref name="end"/>; streamed, never held in memory.
    /// </summary>
    public RawTar Filled(string name, char type, long size, string start, byte fill, string end = "")
    {
        _gzip.Write(Header(name, type, size, gnu: type is 'L' or 'K'));
        var head = Encoding.ASCII.GetBytes(start);
        var tail = Encoding.ASCII.GetBytes(end);
        _gzip.Write(head);
        Array.Fill(_chunk, fill);
        for (var left = size - head.Length - tail.Length; left > 0; left -= _chunk.Length)
        {
            _gzip.Write(_chunk, 0, (int)Math.Min(left, _chunk.Length));
        }
        _gzip.Write(tail);
        Pad(size);
        return this;
    }

    public RawTar File(string name, string content) => Member(name, '0', Encoding.UTF8.GetBytes(content));

    /// <summary>A PAX record as the format spells it: "length key=value\n", the length counting itself.</summary>
    public static byte[] PaxRecord(string key, string value)
    {
        var body = $" {key}={value}\n";
        var length = body.Length + 1;
        while ((length.ToString(CultureInfo.InvariantCulture) + body).Length != length)
        {
            length++;
        }
        return Encoding.UTF8.GetBytes(length.ToString(CultureInfo.InvariantCulture) + body);
    }

    public byte[] ToArray()
    {
        _gzip.Write(new byte[1024]); // end-of-archive: two zero blocks
        _gzip.Dispose();
        return _output.ToArray();
    }

    private void Pad(long size)
    {
        if (size % 512 != 0)
        {
            _gzip.Write(new byte[512 - (size % 512)]);
        }
    }

    private static byte[] Header(string name, char type, long size, bool gnu)
    {
        var header = new byte[512];
        Encoding.UTF8.GetBytes(name).AsSpan(0, Math.Min(100, Encoding.UTF8.GetByteCount(name))).CopyTo(header);
        Octal(header, 100, 8, type == '5' ? 0x1ED : 0x1A4);
        Octal(header, 108, 8, 0);
        Octal(header, 116, 8, 0);
        Octal(header, 124, 12, size);
        Octal(header, 136, 12, 0);
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes(gnu ? "ustar  \0" : "ustar\0" + "00").CopyTo(header, 257); // magic and version
        header.AsSpan(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }
        Octal(header, 148, 7, sum);
        return header;
    }

    private static void Octal(byte[] header, int offset, int length, long value) =>
        Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(length - 1, '0') + "\0").CopyTo(header, offset);

    public void Dispose()
    {
        _gzip.Dispose();
        _output.Dispose();
    }
}
