namespace OpenMotoko.Registry;

/// <summary>
/// What one package may unpack to, counted before anything is read or written: members, bytes,
/// the tar metadata headers that carry no file (PAX, GNU long names), and each path at most once,
/// as a file or as a folder but never both.
/// </summary>
internal sealed class PackageBudget
{
    public const int MaxMembers = 200;
    public const long MaxMemberBytes = 2 * 1024 * 1024;
    public const long MaxTotalBytes = 16 * 1024 * 1024;

    /// <summary>One PAX or GNU long-name header: far more than any real path or attribute set needs.</summary>
    public const int MaxHeaderBytes = 64 * 1024;

    /// <summary>Metadata headers in all: a tar tool writes at most one or two per member.</summary>
    public const int MaxHeaders = 2 * MaxMembers;

    private static readonly StringComparer PathComparer = OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    private readonly Dictionary<string, bool> _isFolder = new(PathComparer);
    private int _members;
    private int _headers;
    private long _bytes;

    /// <summary>Counts a file or folder of <paramref name="length"/> declared bytes.</summary>
    public void CountMember(string name, long length)
    {
        if (++_members > MaxMembers)
        {
            throw RegistryException.Rejected($"The package has more than {MaxMembers} members.");
        }
        if (length > MaxMemberBytes)
        {
            throw RegistryException.Rejected($"The package member '{Shown(name)}' is {length} bytes, more than the {MaxMemberBytes} allowed.");
        }
        AddBytes(length);
    }

    /// <summary>Counts a metadata header (<paramref name="kind"/> names it) before its <paramref name="length"/> bytes are read.</summary>
    public void CountHeader(string kind, long length)
    {
        if (++_headers > MaxHeaders)
        {
            throw RegistryException.Rejected($"The package has more than {MaxHeaders} PAX or GNU headers.");
        }
        if (length > MaxHeaderBytes)
        {
            throw RegistryException.Rejected($"The package has a {kind} header of {length} bytes, more than the {MaxHeaderBytes} allowed for one header.");
        }
        AddBytes(length);
    }

    /// <summary>Records the path made of <paramref name="parts"/>; a second member at the same path, or a file where a folder is (or the reverse), is refused.</summary>
    public void Claim(string name, string[] parts, bool folder)
    {
        for (var depth = 1; depth <= parts.Length; depth++)
        {
            var path = string.Join('/', parts, 0, depth);
            var wantFolder = depth < parts.Length || folder;
            if (!_isFolder.TryGetValue(path, out var isFolder))
            {
                _isFolder[path] = wantFolder;
            }
            else if (isFolder != wantFolder)
            {
                throw RegistryException.Rejected($"The package member '{Shown(path)}' is both a file and a folder.");
            }
            else if (!wantFolder)
            {
                throw RegistryException.Rejected($"The package member '{Shown(name)}' appears twice.");
            }
        }
    }

    /// <summary>A name as error messages show it: a hostile one can be 64 KiB long.</summary>
    public static string Shown(string name) => name.Length <= 200 ? name : string.Concat(name.AsSpan(0, 200), "…");

    private void AddBytes(long length)
    {
        _bytes += length;
        if (_bytes > MaxTotalBytes)
        {
            throw RegistryException.Rejected($"The package's files and headers unpack to more than {MaxTotalBytes} bytes.");
        }
    }
}
