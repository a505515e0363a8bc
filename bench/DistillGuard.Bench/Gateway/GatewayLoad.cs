using DistillGuard.Gateway.Demo;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using DistillGuard.Gateway;
using DistillGuard.Gateway.Configuration;
using DistillGuard.Gateway.Policy;
using DistillGuard.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DistillGuard.Bench.Gateway;

/// <summary>
/// Bounded load benchmark on loopback: the same requests against the bare fake upstream, a plain YARP forwarder, and
/// the DistillGuard gateway (detection on, policy allowing everything, redacted exchange log), one after the other in
/// one run. Reports throughput and latency percentiles, and the latency each proxy adds over the bare upstream.
/// </summary>
internal static class GatewayLoad
{
    public sealed record Result(string Target, int Requests, double Seconds, double P50, double P90, double P99)
    {
        public double PerSecond => Requests / Seconds;
    }

    public static async Task<string> RunAsync(int requests, int concurrency, bool stream)
    {
        await using var upstream = await DemoUpstream.StartAsync();
        await using var yarp = await StartPlainYarpAsync(upstream.Url);
        string yarpUrl = yarp.Urls.First();
        var dir = Directory.CreateTempSubdirectory("dg-load-").FullName;
        const int accounts = 200;
        await File.WriteAllLinesAsync(Path.Combine(dir, "keys.jsonl"), Enumerable.Range(0, accounts).Select(i => $"{{\"key\":\"sk-{i}\",\"account_id\":\"acct-{i}\"}}"));
        var options = new GatewayOptions
        {
            Upstream = upstream.Url, Listen = "http://127.0.0.1:0", DataDirectory = Path.Combine(dir, "data"),
            Identity = new IdentityOptions { KeyMapFile = Path.Combine(dir, "keys.jsonl") },
            Policy = new PolicyOptions { Rules = [new PolicyRule { Name = "allow-all", Action = PolicyAction.Allow }] },
        };
        await using var gateway = GatewayApp.Build(options, logging: _ => { });
        await gateway.StartAsync();
        string gatewayUrl = gateway.Urls.First();

        var prompts = Corpora.Texts("sharegpt_sample.jsonl.gz", limit: 500);
        var results = new List<Result>();
        foreach (var (name, url) in new[] { ("upstream (bare)", upstream.Url), ("YARP (plain forwarder)", yarpUrl), ("DistillGuard gateway", gatewayUrl) })
        {
            await DriveAsync(url, prompts, Math.Min(500, requests), concurrency, stream, accounts); // warm-up
            results.Add(await DriveAsync(url, prompts, requests, concurrency, stream, accounts) with { Target = name });
        }
        Directory.Delete(dir, recursive: true);

        var bare = results[0];
        var sb = new StringBuilder();
        sb.AppendLine($"{requests:N0} requests per target, {concurrency} concurrent, {(stream ? "SSE streaming" : "JSON")} chat completions, {accounts} accounts:");
        sb.AppendLine();
        sb.AppendLine("| Target | Requests/s | p50 ms | p90 ms | p99 ms | Added p50 ms | Added p99 ms |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
            sb.AppendLine($"| {r.Target} | {r.PerSecond:N0} | {r.P50:F2} | {r.P90:F2} | {r.P99:F2} | {(r == bare ? "—" : (r.P50 - bare.P50).ToString("F2"))} | {(r == bare ? "—" : (r.P99 - bare.P99).ToString("F2"))} |");
        return sb.ToString();
    }

    private static async Task<WebApplication> StartPlainYarpAsync(string upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        app.MapForwarder("/{**rest}", upstream);
        await app.StartAsync();
        return app;
    }

    private static async Task<Result> DriveAsync(string url, IReadOnlyList<string> prompts, int requests, int concurrency, bool stream, int accounts)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
        var latencies = new double[requests];
        int next = -1, failures = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var body = "{\"model\":\"frontier-1\",\"stream\":" + (stream ? "true" : "false") + ",\"messages\":[{\"role\":\"user\",\"content\":" +
                    System.Text.Json.JsonSerializer.Serialize(prompts[i % prompts.Count]) + "}]}";
                using var req = new HttpRequestMessage(HttpMethod.Post, url + "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"sk-{i % accounts}");
                long t0 = Stopwatch.GetTimestamp();
                using var resp = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
                await resp.Content.ReadAsByteArrayAsync();
                latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (!resp.IsSuccessStatusCode) Interlocked.Increment(ref failures);
            }
        }).ToList();
        await Task.WhenAll(workers);
        double seconds = clock.Elapsed.TotalSeconds;
        if (failures > 0) throw new InvalidOperationException($"{failures} requests to {url} failed");
        Array.Sort(latencies);
        double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
        return new Result(url, requests, seconds, P(0.50), P(0.90), P(0.99));
    }
}
