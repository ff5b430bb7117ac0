using System.Text.Json;
using System.Text.Json.Serialization;
using OpenMotoko.Hosting;

namespace OpenMotoko.Registry;

/// <summary>One skill the registry offers (docs/registry.md). <see cref="Url"/> may be relative to the index.</summary>
internal sealed record RegistryEntry(
    string Id, string Name, string Description, string Version, string Author, IReadOnlyList<string> Tags,
    bool Verified, double Rating, long Downloads, string Sha256, long Size, string Url);

/// <summary>An entry as the API shows it: the registry's data plus whether and which version is installed here.</summary>
internal sealed record RegistryEntryView(
    string Id, string Name, string Description, string Version, string Author, IReadOnlyList<string> Tags,
    bool Verified, double Rating, long Downloads, string Sha256, long Size, string Url, bool Installed, string? InstalledVersion)
{
    public static RegistryEntryView Of(RegistryEntry e, string? installedVersion) =>
        new(e.Id, e.Name, e.Description, e.Version, e.Author, e.Tags, e.Verified, e.Rating, e.Downloads, e.Sha256, e.Size, e.Url,
            installedVersion is not null, installedVersion);
}

internal sealed record RegistrySearchResponse(IReadOnlyList<RegistryEntryView> Entries, int Total, long FetchedAt, bool Stale);

internal sealed record RegistryRefreshResponse(int Entries, long FetchedAt);

internal sealed record RegistryInstallRequest(string? Id)
{
    public static async ValueTask<RegistryInstallRequest?> BindAsync(HttpContext context) =>
        await JsonBody.ReadAsync(context, RegistryJsonContext.Default.RegistryInstallRequest);
}

internal sealed record RegistryInstallResponse(string Id, string Name, string Version, bool Enabled);

internal sealed record RegistryUninstallResponse(string Id, bool Uninstalled);

internal sealed record RegistryRateRequest(string? SkillId, JsonElement Stars, string? Comment)
{
    public static async ValueTask<RegistryRateRequest?> BindAsync(HttpContext context) =>
        await JsonBody.ReadAsync(context, RegistryJsonContext.Default.RegistryRateRequest);
}

internal sealed record RegistryRateResponse(bool Ok);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RegistrySearchResponse))]
[JsonSerializable(typeof(RegistryEntryView))]
[JsonSerializable(typeof(RegistryRefreshResponse))]
[JsonSerializable(typeof(RegistryInstallRequest))]
[JsonSerializable(typeof(RegistryInstallResponse))]
[JsonSerializable(typeof(RegistryUninstallResponse))]
[JsonSerializable(typeof(RegistryRateRequest))]
[JsonSerializable(typeof(RegistryRateResponse))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;

/// <summary>A registry request that cannot be answered as asked; becomes the API error envelope.</summary>
internal sealed class RegistryException(int status, string code, string message) : Exception(message)
{
    public const string UpstreamError = "UPSTREAM_ERROR";
    public const string PackageRejected = "PACKAGE_REJECTED";

    public int Status { get; } = status;
    public string Code { get; } = code;

    public static RegistryException Upstream(string message) => new(StatusCodes.Status502BadGateway, UpstreamError, message);

    public static RegistryException Rejected(string message) => new(StatusCodes.Status422UnprocessableEntity, PackageRejected, message);
}
