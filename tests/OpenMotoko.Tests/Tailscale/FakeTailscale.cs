using OpenMotoko.Tests.Cli;

namespace OpenMotoko.Tests.Tailscale;

/// <summary>A fake `tailscale` CLI: prints recorded `status --json` / `serve status --json` output and records its calls.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class FakeTailscale
{
    /// <summary>The shape `tailscale status --json` prints (1.7x), trimmed to a self and two peers.</summary>
    public const string RunningStatus = """
        {
          "Version": "1.76.6-t0c3ee3a5b-g8c1a4c2b7",
          "TUN": true,
          "BackendState": "Running",
          "HaveNodeKey": true,
          "AuthURL": "",
          "TailscaleIPs": ["100.101.102.103", "fd7a:115c:a1e0::1a01:6667"],
          "Self": {
            "ID": "nSelf1CNTRL", "PublicKey": "nodekey:aaaa", "HostName": "raspberrypi", "DNSName": "raspberrypi.tail1234.ts.net.",
            "OS": "linux", "UserID": 1111, "TailscaleIPs": ["100.101.102.103", "fd7a:115c:a1e0::1a01:6667"],
            "Online": true, "Active": false, "LastSeen": "0001-01-01T00:00:00Z", "InNetworkMap": true, "InMagicSock": false, "InEngine": false
          },
          "Health": [],
          "MagicDNSSuffix": "tail1234.ts.net",
          "CurrentTailnet": { "Name": "owner@example.com", "MagicDNSSuffix": "tail1234.ts.net", "MagicDNSEnabled": true },
          "Peer": {
            "nodekey:bbbb": {
              "ID": "nPhone2CNTRL", "PublicKey": "nodekey:bbbb", "HostName": "pixel-9", "DNSName": "pixel-9.tail1234.ts.net.", "OS": "android",
              "UserID": 1111, "TailscaleIPs": ["100.90.1.2", "fd7a:115c:a1e0::2"], "Online": true, "LastSeen": "2026-12-05T11:58:00Z"
            },
            "nodekey:cccc": {
              "ID": "nLaptop3CNTRL", "PublicKey": "nodekey:cccc", "HostName": "Laptop", "DNSName": "laptop.tail1234.ts.net.", "OS": "macOS",
              "UserID": 1111, "TailscaleIPs": ["100.90.1.3"], "Online": false, "LastSeen": "2026-12-01T08:00:00Z"
            }
          },
          "User": { "1111": { "ID": 1111, "LoginName": "owner@example.com", "DisplayName": "Owner" } }
        }
        """;

    public const string NeedsLoginStatus = """
        {"Version":"1.76.6","BackendState":"NeedsLogin","AuthURL":"","TailscaleIPs":null,"Self":{"ID":"","HostName":"raspberrypi","DNSName":"","OS":"","Online":false},"Health":["You are logged out."],"CurrentTailnet":null,"Peer":null}
        """;

    public const string Serving = """
        {"TCP":{"443":{"HTTPS":true}},"Web":{"raspberrypi.tail1234.ts.net:443":{"Handlers":{"/":{"Proxy":"http://127.0.0.1:3457"}}}}}
        """;

    private readonly FakeTools _tools;

    public FakeTailscale(string directory, string status = RunningStatus, string serve = "{}", int serveExit = 0)
    {
        _tools = new FakeTools(directory);
        File.WriteAllText(System.IO.Path.Combine(_tools.Directory, "status.json"), status);
        File.WriteAllText(System.IO.Path.Combine(_tools.Directory, "serve.json"), serve);
        _tools.Add("tailscale", $"""
            case "$1 $2" in
              "status --json") cat '{_tools.Directory}/status.json' ;;
              "serve status") cat '{_tools.Directory}/serve.json' ;;
              "serve --bg") if [ {serveExit} != 0 ]; then echo 'Serve is not enabled on your tailnet. To enable, visit: https://login.tailscale.com/f/serve?node=nSelf1' >&2; exit 1; fi
                 printf 'Available within your tailnet:\n\nhttps://raspberrypi.tail1234.ts.net/\n|-- proxy http://127.0.0.1:%s\n' "$3" ;;
            esac
            """);
    }

    public string Path => System.IO.Path.Combine(_tools.Directory, "tailscale");

    public IReadOnlyList<string> Calls => _tools.Calls;
}
