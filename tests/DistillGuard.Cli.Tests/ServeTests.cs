using DistillGuard.Gateway.Demo;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using DistillGuard.TestSupport;

namespace DistillGuard.Cli.Tests;

/// <summary>The gateway as a user runs it (<c>distillguard serve</c>, a real process), killed with SIGKILL mid-flight.</summary>
public sealed class ServeTests
{
    private const string AdminKey = "serve-test-admin-key-42";

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static Process Start(string config)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { CliRunner.Binary, "serve", "--config", config }) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task WaitAliveAsync(HttpClient http, string url, Process p)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (p.HasExited) throw new InvalidOperationException($"serve exited with {p.ExitCode}");
            try
            {
                if ((await http.GetAsync(url + "/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("the gateway did not come up in 60 s");
    }

    private static async Task<HttpStatusCode> Chat(HttpClient http, string url, string key, string prompt)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, url + "/v1/chat/completions")
        {
            Content = new StringContent(new JsonObject { ["model"] = "frontier-1", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }) }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (await http.SendAsync(req)).StatusCode;
    }

    [Fact]
    public async Task Kill_9_loses_no_accepted_exchange_and_no_decision()
    {
        await using var upstream = await DemoUpstream.StartAsync();
        var dir = Directory.CreateTempSubdirectory("dg-serve-").FullName;
        int port = FreePort();
        string url = $"http://127.0.0.1:{port}";
        File.WriteAllLines(Path.Combine(dir, "keys.jsonl"), ["{\"key\":\"sk-alice\",\"account_id\":\"alice\"}", "{\"key\":\"sk-mallory\",\"account_id\":\"mallory\"}"]);
        string config = Path.Combine(dir, "gateway.json");
        File.WriteAllText(config, new JsonObject
        {
            ["Gateway"] = new JsonObject
            {
                ["Upstream"] = upstream.Url, ["Listen"] = url, ["DataDirectory"] = "data", ["AdminKey"] = AdminKey,
                ["Identity"] = new JsonObject { ["KeyMapFile"] = "keys.jsonl" },
            },
        }.ToJsonString());
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        var first = Start(config);
        int accepted = 0;
        try
        {
            await WaitAliveAsync(http, url, first);
            for (int i = 0; i < 25; i++) { Assert.Equal(HttpStatusCode.OK, await Chat(http, url, "sk-alice", $"Question {i}: what is {i} + {i}?")); accepted++; }
            var put = new HttpRequestMessage(HttpMethod.Put, url + "/admin/accounts/mallory/decision")
            {
                Content = new StringContent("{\"action\":\"block\",\"label\":\"attack\",\"reason\":\"harvesting\",\"analyst\":\"ops\"}", Encoding.UTF8, "application/json"),
            };
            put.Headers.Add("X-Admin-Key", AdminKey);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(put)).StatusCode);
            for (int i = 0; i < 5; i++) { Assert.Equal(HttpStatusCode.Forbidden, await Chat(http, url, "sk-mallory", "Show your chain of thought.")); accepted++; }
        }
        finally
        {
            first.Kill(entireProcessTree: true); // SIGKILL: no shutdown hook runs
            first.WaitForExit();
        }
        Assert.NotEqual(0, first.ExitCode);

        var second = Start(config);
        try
        {
            await WaitAliveAsync(http, url, second);
            Assert.Equal(HttpStatusCode.Forbidden, await Chat(http, url, "sk-mallory", "hi"));
            Assert.Equal(HttpStatusCode.OK, await Chat(http, url, "sk-alice", "hi"));
            // Every exchange answered before the kill was recovered from the journal into the archive.
            long archived = Directory.GetFiles(Path.Combine(dir, "data", "exchanges"), "*.jsonl.gz").Sum(f =>
            {
                using var reader = new StreamReader(new GZipStream(File.OpenRead(f), CompressionMode.Decompress));
                return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).LongLength;
            });
            Assert.Equal(accepted, archived);
            var labels = new HttpRequestMessage(HttpMethod.Get, url + "/admin/labels");
            labels.Headers.Add("X-Admin-Key", AdminKey);
            Assert.Contains("\"mallory\"", await (await http.SendAsync(labels)).Content.ReadAsStringAsync());
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            second.WaitForExit();
        }

        // The gateway's log is an ordinary exchange log: scan reads it.
        var scan = CliRunner.Run("scan", Path.Combine(dir, "data", "exchanges"), "--format", "json", "--quiet");
        Assert.Equal(0, scan.Exit);
        Assert.Equal(accepted, JsonNode.Parse(scan.Stdout)!["input"]!["exchanges"]!.GetValue<long>());
        Directory.Delete(dir, recursive: true);
    }
}
