using System.Net;
using Microsoft.Data.Sqlite;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Storage;

/// <summary>The data dir is the owner's alone (0700), and so are the database, its -wal and -shm, and its backups (0600), whatever the umask.</summary>
[Collection("cli")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModeTests
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task A_new_data_dir_is_0700_and_the_database_with_its_wal_and_shm_0600()
    {
        var root = OpenMotoko.Tests.Cli.Cli.TempDir();
        var dataDir = Path.Combine(root, "nested", "data");
        try
        {
            await using (var app = await TestApp.StartAsync(dataDir: dataDir))
            {
                using var owner = await app.LoginClientAsync();
                (await owner.PutAsync("/api/settings", Envelope.Json("{\"theme\":\"dark\"}"))).EnsureSuccessStatusCode();

                Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(dataDir));
                foreach (var file in new[] { "openmotoko.db", "openmotoko.db-wal", "openmotoko.db-shm" })
                {
                    var path = Path.Combine(dataDir, file);
                    Assert.True(File.Exists(path), $"{file} should exist while the daemon runs");
                    Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(path));
                }
            }
        }
        finally
        {
            OpenMotoko.Tests.Cli.Cli.Delete(root);
        }
    }

    [Fact]
    public async Task An_existing_readable_database_is_made_owner_only_at_start()
    {
        var dataDir = OpenMotoko.Tests.Cli.Cli.TempDir();
        try
        {
            var database = Path.Combine(dataDir, "openmotoko.db");
            using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                connection.Open(); // an empty database, created with the umask's 0644
            }
            File.SetUnixFileMode(database, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            await using var app = await TestApp.StartAsync(dataDir: dataDir);

            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(database));
        }
        finally
        {
            OpenMotoko.Tests.Cli.Cli.Delete(dataDir);
        }
    }

    [Fact]
    public async Task Passwd_creates_the_data_dir_and_database_owner_only_and_a_backup_is_0600()
    {
        var root = OpenMotoko.Tests.Cli.Cli.TempDir();
        var dataDir = Path.Combine(root, "data");
        var backup = Path.Combine(root, "copy.db");
        try
        {
            Assert.Equal(0, (await OpenMotoko.Tests.Cli.Cli.RunAsync(["passwd", "--data-dir", dataDir], stdin: "correct horse battery\n")).ExitCode);
            Assert.Equal(0, (await OpenMotoko.Tests.Cli.Cli.RunAsync(["backup", backup, "--data-dir", dataDir])).ExitCode);

            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(dataDir));
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(dataDir, "openmotoko.db")));
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(backup));
        }
        finally
        {
            OpenMotoko.Tests.Cli.Cli.Delete(root);
        }
    }
}
