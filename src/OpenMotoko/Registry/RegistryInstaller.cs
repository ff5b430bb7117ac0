using System.Security.Cryptography;
using OpenMotoko.Hosting;
using OpenMotoko.Skills;

namespace OpenMotoko.Registry;

/// <summary>
/// Installs registry skills into <c>&lt;data dir&gt;/skills/&lt;id&gt;</c>: download, check size and
/// sha256, unpack into a staging folder on the same disk, check SKILL.md, then one rename. Nothing
/// here records an enabled state: the skills catalog treats a folder without one as disabled.
/// </summary>
internal sealed class RegistryInstaller(
    RegistryClient client, RegistryIndexCache index, RegistryStore store, Skills.SkillStateStore skillStates, DaemonOptions options, TimeProvider time,
    ILogger<RegistryInstaller> logger)
    : IDisposable
{
    /// <summary>Built-in skills' ids: a registry package may not take their place.</summary>
    private static readonly string[] Reserved = ["shell", "filesystem", "web", "memory", "core", "instructions"];

    private readonly SemaphoreSlim _gate = new(1, 1);

    public string SkillsDirectory => Path.Combine(options.DataDir, "skills");

    private string StagingDirectory => Path.Combine(options.DataDir, ".registry-staging");

    public static string? CheckId(string? id) =>
        string.IsNullOrEmpty(id) ? "id is required"
        : !RegistrySlug.IsValid(id) ? "id must be 1 to 64 lowercase letters, digits and single hyphens"
        : Reserved.Contains(id, StringComparer.Ordinal) ? $"'{id}' is a built-in skill and cannot be installed from the registry"
        : null;

    public async Task<RegistryInstallResponse> InstallAsync(string id, CancellationToken cancellationToken)
    {
        var target = Path.Combine(SkillsDirectory, id);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (await store.FindInstalledAsync(id, cancellationToken) is not null || Directory.Exists(target))
            {
                throw new RegistryException(StatusCodes.Status409Conflict, ErrorCodes.Conflict,
                    $"The skill '{id}' is already installed. Uninstall it first to install it again.");
            }
            var snapshot = await index.GetAsync(forceRefresh: false, cancellationToken);
            var entry = snapshot.Entries.FirstOrDefault(e => e.Id == id)
                ?? throw new RegistryException(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"The registry has no skill '{id}'.");
            var baseUrl = client.BaseUrl;
            if (entry.Size > RegistryClient.MaxPackageBytes)
            {
                throw Refuse(id, $"The package is {entry.Size} bytes, more than the {RegistryClient.MaxPackageBytes} allowed.");
            }
            if (!Uri.TryCreate(RegistryClient.IndexUrl(baseUrl), entry.Url, out var packageUrl) ||
                (packageUrl.Scheme != Uri.UriSchemeHttp && packageUrl.Scheme != Uri.UriSchemeHttps))
            {
                throw Refuse(id, $"The package URL '{entry.Url}' is not an http(s) URL.");
            }
            var package = await client.DownloadAsync(packageUrl, entry.Size, cancellationToken);
            Verify(id, entry, package);
            // A toggle left from an earlier install must not switch the new package on unseen.
            await skillStates.SetAsync(id, false, cancellationToken);
            var skill = Unpack(id, package, target);
            try
            {
                await store.AddInstalledAsync(new InstalledSkillRow(id, entry.Version, entry.Sha256, packageUrl.AbsoluteUri,
                    time.GetUtcNow().ToUnixTimeMilliseconds()), CancellationToken.None);
            }
            catch
            {
                Directory.Delete(target, recursive: true); // no folder without its record
                throw;
            }
            RegistryLog.Installed(logger, id, entry.Version);
            return new RegistryInstallResponse(id, skill.Name, entry.Version, Enabled: false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<RegistryUninstallResponse> UninstallAsync(string id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _ = await store.FindInstalledAsync(id, cancellationToken) ?? throw new RegistryException(StatusCodes.Status404NotFound,
                ErrorCodes.NotFound, $"No skill '{id}' was installed from the registry.");
            var target = Path.Combine(SkillsDirectory, id);
            if (Directory.Exists(target))
            {
                // Move it aside first, so the skills folder never shows a half-deleted skill.
                var trash = Path.Combine(Directory.CreateDirectory(StagingDirectory).FullName, $"uninstall-{id}-{Guid.NewGuid():N}");
                Directory.Move(target, trash);
                Directory.Delete(trash, recursive: true);
            }
            await store.RemoveInstalledAsync(id, cancellationToken);
            RegistryLog.Uninstalled(logger, id);
            return new RegistryUninstallResponse(id, true);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Verify(string id, RegistryEntry entry, byte[] package)
    {
        if (package.LongLength != entry.Size)
        {
            throw Refuse(id, $"The package is {package.LongLength} bytes but the index says {entry.Size}.");
        }
        var expected = Convert.FromHexString(entry.Sha256);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(package), expected))
        {
            throw Refuse(id, "The package's SHA-256 does not match the index: it was changed or corrupted, so it was not installed.");
        }
    }

    private SkillMarkdown Unpack(string id, byte[] package, string target)
    {
        var staging = Path.Combine(StagingDirectory, $"install-{id}-{Guid.NewGuid():N}");
        try
        {
            try
            {
                PackageArchive.Extract(package, staging);
            }
            catch (RegistryException ex)
            {
                RegistryLog.Refused(logger, id, ex.Message);
                throw;
            }
            var root = FindSkillRoot(staging) ?? throw Refuse(id, $"The package has no {SkillMarkdown.FileName} at its top or in its one top folder.");
            var file = new FileInfo(Path.Combine(root, SkillMarkdown.FileName));
            if (file.Length > SkillMarkdown.MaxBytes)
            {
                throw Refuse(id, $"{SkillMarkdown.FileName} is larger than {SkillMarkdown.MaxBytes} bytes.");
            }
            var skill = SkillMarkdown.TryParse(File.ReadAllText(file.FullName), out var problem) ?? throw Refuse(id, problem);
            Directory.CreateDirectory(SkillsDirectory);
            Directory.Move(root, target); // same disk: one atomic rename
            return skill;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static string? FindSkillRoot(string staging)
    {
        if (File.Exists(Path.Combine(staging, SkillMarkdown.FileName)))
        {
            return staging;
        }
        var folders = Directory.GetDirectories(staging);
        return folders.Length == 1 && Directory.GetFiles(staging).Length == 0 && File.Exists(Path.Combine(folders[0], SkillMarkdown.FileName))
            ? folders[0] : null;
    }

    private RegistryException Refuse(string id, string reason)
    {
        RegistryLog.Refused(logger, id, reason);
        return RegistryException.Rejected($"The skill '{id}' was not installed: {reason}");
    }

    public void Dispose() => _gate.Dispose();
}
