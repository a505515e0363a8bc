using DistillGuard.Gateway.Demo;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DistillGuard.Gateway;
using DistillGuard.Gateway.Configuration;
using DistillGuard.Gateway.Policy;
using DistillGuard.TestSupport;
using Microsoft.AspNetCore.Builder;

namespace DistillGuard.Gateway.Tests;

/// <summary>A fake provider and the real gateway in front of it, both on 127.0.0.1, with a key map and a data folder.</summary>
public sealed class GatewayHarness : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789";

    private GatewayHarness(DemoUpstream upstream, string dir) { Upstream = upstream; Dir = dir; }

    public DemoUpstream Upstream { get; }
    public string Dir { get; }
    public WebApplication? App { get; private set; }
    public string Url { get; private set; } = "";
    public GatewayOptions Options { get; private set; } = new();
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Key of an account: accounts are named freely, keys derived from them.</summary>
    public static string KeyOf(string account) => "sk-test-" + account;

    public static async Task<GatewayHarness> StartAsync(IEnumerable<string> accounts, Action<GatewayOptions>? configure = null)
    {
        var dir = Directory.CreateTempSubdirectory("dg-gw-").FullName;
        var upstream = await DemoUpstream.StartAsync();
        var h = new GatewayHarness(upstream, dir);
        await File.WriteAllLinesAsync(Path.Combine(dir, "keys.jsonl"), accounts.Select(a => $"{{\"key\":\"{KeyOf(a)}\",\"account_id\":\"{a}\"}}"));
        await h.StartGatewayAsync(configure);
        return h;
    }

    public async Task StartGatewayAsync(Action<GatewayOptions>? configure = null)
    {
        var options = new GatewayOptions
        {
            Upstream = Upstream.Url,
            Listen = "http://127.0.0.1:0",
            DataDirectory = Path.Combine(Dir, "data"),
            AdminKey = AdminKey,
            SnapshotSeconds = 1,
            Identity = new IdentityOptions { KeyMapFile = Path.Combine(Dir, "keys.jsonl") },
        };
        configure?.Invoke(options);
        Options = options;
        App = GatewayApp.Build(options, logging: _ => { });
        await App.StartAsync();
        Url = App.Urls.First();
    }

    /// <summary>Stops the gateway (graceful: the detector drains and saves).</summary>
    public async Task StopGatewayAsync()
    {
        if (App is null) return;
        await App.StopAsync();
        await App.DisposeAsync();
        App = null;
    }

    public async Task<HttpResponseMessage> ChatAsync(string account, string prompt, bool stream = false, string? system = null, IDictionary<string, string>? headers = null)
    {
        var messages = new JsonArray();
        if (system is not null) messages.Add(new JsonObject { ["role"] = "system", ["content"] = system });
        messages.Add(new JsonObject { ["role"] = "user", ["content"] = prompt });
        var body = new JsonObject { ["model"] = "frontier-1", ["messages"] = messages, ["stream"] = stream };
        var req = new HttpRequestMessage(HttpMethod.Post, Url + "/v1/chat/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", KeyOf(account));
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) req.Headers.TryAddWithoutValidation(k, v);
        return await Http.SendAsync(req);
    }

    public async Task<HttpResponseMessage> MessagesAsync(string account, string prompt, bool stream = false)
    {
        var body = new JsonObject
        {
            ["model"] = "frontier-1", ["max_tokens"] = 1024, ["stream"] = stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        };
        var req = new HttpRequestMessage(HttpMethod.Post, Url + "/v1/messages") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        req.Headers.Add("x-api-key", KeyOf(account));
        req.Headers.Add("anthropic-version", "2023-06-01");
        return await Http.SendAsync(req);
    }

    public async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, object? body = null, string? key = AdminKey)
    {
        var req = new HttpRequestMessage(method, Url + path);
        if (key is not null) req.Headers.Add("X-Admin-Key", key);
        if (body is not null) req.Content = JsonContent.Create(body);
        return await Http.SendAsync(req);
    }

    public Task SetDecisionAsync(string account, PolicyAction action) =>
        AdminAsync(HttpMethod.Put, $"/admin/accounts/{account}/decision", new { action = action.ToString(), reason = "test", analyst = "tester" });

    public async ValueTask DisposeAsync()
    {
        await StopGatewayAsync();
        await Upstream.DisposeAsync();
        Http.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
