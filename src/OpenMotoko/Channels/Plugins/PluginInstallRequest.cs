using System.Text.Json;
using System.Text.RegularExpressions;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels.Plugins;

/// <summary>The body of POST /api/channel-plugins/install: {packageName} or {path}, and optionally the channel {id} to use.</summary>
internal sealed partial record PluginInstallRequest(string? PackageName, string? Path, string? Id, IReadOnlyList<ErrorDetail> Problems) : IValidatable
{
    public static async ValueTask<PluginInstallRequest?> BindAsync(HttpContext context)
    {
        var body = await JsonBody.ReadAsync(context, required: true);
        var problems = new List<ErrorDetail>();
        string? package = null, path = null, id = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ErrorDetail("body", "$", "must be a JSON object {packageName} or {path}"));
            return new PluginInstallRequest(null, null, null, problems);
        }
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            switch (property.Name)
            {
                case "packageName":
                    package = value;
                    if (value is null || value.Length > 214 || !PackageSpec().IsMatch(value))
                    {
                        problems.Add(new ErrorDetail("body", "packageName",
                            "packageName must be an npm package name, optionally scoped and with a version (e.g. @acme/openmotoko-chat@1.2.0); no URLs, paths or options"));
                    }
                    break;
                case "path":
                    path = value;
                    if (value is null || value.Length > 4096 || !System.IO.Path.IsPathFullyQualified(value) || value.Contains('\0'))
                    {
                        problems.Add(new ErrorDetail("body", "path", "path must be the absolute path of an executable or of a package directory with an 'openmotoko' entry in package.json"));
                    }
                    break;
                case "id":
                    id = value;
                    if (value is null || !ChannelId().IsMatch(value))
                    {
                        problems.Add(new ErrorDetail("body", "id", "id must be 1-40 characters of a-z, 0-9 and '-', starting with a letter"));
                    }
                    break;
                default:
                    problems.Add(new ErrorDetail("body", property.Name, $"'{property.Name}' is not an install field; send packageName or path (and optionally id)"));
                    break;
            }
        }
        if ((package is null) == (path is null) && problems.Count == 0)
        {
            problems.Add(new ErrorDetail("body", "packageName", "send exactly one of packageName (an npm package) or path (a local executable or package directory)"));
        }
        return new PluginInstallRequest(package, path, id, problems);
    }

    public void Validate(List<ErrorDetail> errors) => errors.AddRange(Problems);

    /// <summary>The package name without its version: where npm puts it under node_modules.</summary>
    public static string NameOf(string spec) => spec.IndexOf('@', 1) is var at and > 0 ? spec[..at] : spec;

    [GeneratedRegex(@"^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*(@[A-Za-z0-9.^~_-]+)?$")]
    private static partial Regex PackageSpec();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    public static partial Regex ChannelId();
}
