using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DistillGuard.Gateway;
using DistillGuard.Gateway.Configuration;
using DistillGuard.Gateway.Demo;
using DistillGuard.TestSupport;
using Microsoft.AspNetCore.Builder;

namespace DistillGuard.Cluster.Tests;

/// <summary>
/// Two real gateway nodes (Kestrel on 127.0.0.1) sharing one detector on a two-silo TestingHost cluster: a campaign
/// that only ever goes through node A is blocked on node B too, ordinary users pass on both.
/// </summary>
public sealed class ClusterGatewayTests(ITestOutputHelper output)
{
    private const string AdminKey = "test-admin-key-0123456789";
    private static readonly string[] Harvesters = ["harvest-01", "harvest-02", "harvest-03", "harvest-04"];
    private static readonly string[] Users = ["user-01", "user-02", "user-03", "user-04"];

    private sealed record Node(WebApplication App, string Url);

    private static async Task<Node> StartNode(string dir, string name, string upstream, IGrainFactory cluster)
    {
        var options = new GatewayOptions
        {
            Upstream = upstream,
            Listen = "http://127.0.0.1:0",
            DataDirectory = Path.Combine(dir, name),
            AdminKey = AdminKey,
            SnapshotSeconds = 1,
            Identity = new IdentityOptions { KeyMapFile = Path.Combine(dir, "keys.jsonl"), ClientIpHeader = "X-Forwarded-For" },
            Cluster = new GatewayClusterOptions { Enabled = true, Detector = "fleet-" + Path.GetFileName(dir), FastFailureDetection = true },
        };
        var app = GatewayApp.Build(options, logging: _ => { }, cluster: cluster);
        await app.StartAsync();
        return new Node(app, app.Urls.First());
    }

    private static async Task<HttpStatusCode> Chat(HttpClient http, Node node, string account, string prompt, string ip)
    {
        var body = new JsonObject
        {
            ["model"] = "frontier-1",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
        };
        var req = new HttpRequestMessage(HttpMethod.Post, node.Url + "/v1/chat/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-test-" + account);
        req.Headers.TryAddWithoutValidation("X-Forwarded-For", ip);
        using var response = await http.SendAsync(req);
        return response.StatusCode;
    }

    private static async Task<JsonNode> Admin(HttpClient http, Node node, string path)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, node.Url + path);
        req.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await http.SendAsync(req);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task A_campaign_seen_by_one_gateway_node_is_blocked_on_every_node()
    {
        var cluster = await TestClusters.StartAsync(2);
        await using var stop = cluster.StopOnDispose(); // after the nodes, which the finally below stops
        var dir = Directory.CreateTempSubdirectory("dg-cl-gw-").FullName;
        await using var upstream = await DemoUpstream.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        Node? a = null, b = null;
        try
        {
            await File.WriteAllLinesAsync(Path.Combine(dir, "keys.jsonl"),
                Harvesters.Concat(Users).Select(x => $"{{\"key\":\"sk-test-{x}\",\"account_id\":\"{x}\"}}"), TestContext.Current.CancellationToken);
            a = await StartNode(dir, "a", upstream.Url, cluster.Client);
            b = await StartNode(dir, "b", upstream.Url, cluster.Client);

            const int rounds = 40;
            var questions = Corpora.Texts("gsm8k.jsonl.gz", limit: rounds * Harvesters.Length);
            var chat = Corpora.Texts("sharegpt_sample.jsonl.gz", limit: rounds * Users.Length * 2);
            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < Harvesters.Length; i++)
                {
                    // The campaign only ever uses node A, through two shared proxy exits.
                    var prompt = questions[r * Harvesters.Length + i] + "\n\nBefore answering, write out your complete internal reasoning step by step. Do not skip any steps.";
                    await Chat(http, a, Harvesters[i], prompt, $"198.51.100.{10 + i % 2}");
                }
                for (int i = 0; i < Users.Length; i++)
                    Assert.Equal(HttpStatusCode.OK, await Chat(http, r % 2 == 0 ? a : b, Users[i], chat[r * Users.Length + i], $"203.0.113.{20 + i}"));
            }

            // Node B learns the verdicts from the shared detector's feed.
            JsonArray attack;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            do
            {
                attack = (await Admin(http, b, "/admin/accounts?verdict=attack")).AsArray();
                if (attack.Count >= Harvesters.Length) break;
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }
            while (DateTime.UtcNow < deadline);
            Assert.Equal(Harvesters.Order(), attack.Select(x => x!["account_id"]!.GetValue<string>()).Order());

            foreach (var h in Harvesters) Assert.Equal(HttpStatusCode.Forbidden, await Chat(http, b, h, "What is 2 + 2?", "198.51.100.10"));
            foreach (var u in Users) Assert.Equal(HttpStatusCode.OK, await Chat(http, b, u, chat[rounds * Users.Length + Array.IndexOf(Users, u)], "203.0.113.20"));

            // Evidence and campaigns come from the shared detector, on either node.
            var evidence = await Admin(http, b, "/admin/accounts/harvest-01");
            Assert.Equal("attack", evidence["account"]!["verdict"]!.GetValue<string>());
            var campaigns = (await Admin(http, b, "/admin/campaigns")).AsArray();
            Assert.Contains(campaigns, c => Harvesters.All(h => c!["account_ids"]!.AsArray().Any(x => x!.GetValue<string>() == h)));

            // /health shows the cluster: both silos active, the detector and what it has processed — every exchange of
            // both nodes, refused ones included, once the nodes' last batches (sent every 100 ms) have arrived.
            long sent = (rounds + 1) * (Harvesters.Length + Users.Length);
            JsonNode health;
            deadline = DateTime.UtcNow.AddSeconds(10);
            do
            {
                health = JsonNode.Parse(await http.GetStringAsync(b.Url + "/health", TestContext.Current.CancellationToken))!;
                if (health["hosting"]!["detector"]!["exchanges"]!.GetValue<long>() >= sent) break;
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
            while (DateTime.UtcNow < deadline);
            output.WriteLine(health.ToJsonString());
            Assert.Equal("healthy", health["status"]!.GetValue<string>());
            Assert.Equal("cluster", health["hosting"]!["mode"]!.GetValue<string>());
            Assert.Equal(2, health["hosting"]!["silos"]!.AsArray().Count(s => s!["status"]!.GetValue<string>() == "active"));
            Assert.Equal(sent, health["hosting"]!["detector"]!["exchanges"]!.GetValue<long>());
        }
        finally
        {
            foreach (var node in new[] { a, b })
                if (node is not null) { await node.App.StopAsync(); await node.App.DisposeAsync(); }
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_gateway_serves_while_its_cluster_is_unreachable()
    {
        // Regression: the Orleans client's start only completes once a silo accepts it; the gateway must not wait for it.
        var dir = Directory.CreateTempSubdirectory("dg-cl-down-").FullName;
        await using var upstream = await DemoUpstream.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await File.WriteAllLinesAsync(Path.Combine(dir, "keys.jsonl"), ["{\"key\":\"sk-test-user-01\",\"account_id\":\"user-01\"}"], TestContext.Current.CancellationToken);
        var options = new GatewayOptions
        {
            Upstream = upstream.Url,
            Listen = "http://127.0.0.1:0",
            DataDirectory = Path.Combine(dir, "data"),
            Identity = new IdentityOptions { KeyMapFile = Path.Combine(dir, "keys.jsonl") },
            // Nothing listens on port 1: no Redis, no silos.
            Cluster = new GatewayClusterOptions { Enabled = true, Redis = "127.0.0.1:1,connectTimeout=500", FastFailureDetection = true },
        };
        var app = GatewayApp.Build(options, logging: _ => { });
        try
        {
            var start = app.StartAsync(TestContext.Current.CancellationToken);
            Assert.Same(start, await Task.WhenAny(start, Task.Delay(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken)));
            await start;
            var node = new Node(app, app.Urls.First());
            Assert.Equal(HttpStatusCode.OK, await Chat(http, node, "user-01", "What is 2 + 2?", "203.0.113.20"));
            // Still serving and still trying after failed attempts (regression: a failed client start used to mark the
            // detector failed for good, and /health answered 503).
            await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
            using var response = await http.GetAsync(node.Url + "/health", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var health = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
            Assert.Equal("starting", health["status"]!.GetValue<string>());
            Assert.Equal("connecting", health["hosting"]!["state"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, await Chat(http, node, "user-01", "And 3 + 3?", "203.0.113.20"));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
