using DistillGuard.Gateway.Demo;
using System.Net;
using System.Text.Json.Nodes;
using DistillGuard.Gateway.Policy;
using DistillGuard.TestSupport;

namespace DistillGuard.Gateway.Tests;

public sealed class ProxyTests
{
    private static async Task<List<JsonObject>> Events(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('\n').FirstOrDefault(l => l.StartsWith("data: ", StringComparison.Ordinal)))
            .Where(d => d is not null && d != "data: [DONE]").Select(d => (JsonObject)JsonNode.Parse(d!["data: ".Length..])!).ToList();
    }

    private static JsonNode? Delta(JsonObject chunk, string field) =>
        chunk["choices"] is JsonArray { Count: > 0 } choices ? choices[0]?["delta"]?[field] : null;

    [Fact]
    public async Task Benign_requests_pass_untouched_in_json_and_sse()
    {
        await using var h = await GatewayHarness.StartAsync(["alice"]);
        var direct = await new HttpClient().PostAsync(h.Upstream.Url + "/v1/chat/completions",
            new StringContent("{\"model\":\"frontier-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", System.Text.Encoding.UTF8, "application/json"));
        var viaGateway = await h.ChatAsync("alice", "hi");
        Assert.Equal(HttpStatusCode.OK, viaGateway.StatusCode);
        Assert.Equal(await direct.Content.ReadAsStringAsync(), await viaGateway.Content.ReadAsStringAsync());

        var stream = await h.ChatAsync("alice", "hi", stream: true);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        var events = await Events(stream);
        Assert.Contains(events, e => Delta(e, "reasoning_content") is not null);
        var anthropic = JsonNode.Parse(await (await h.MessagesAsync("alice", "hi")).Content.ReadAsStringAsync())!;
        Assert.Equal("thinking", anthropic["content"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reasoning_is_withheld_in_json_and_sse_for_both_apis()
    {
        await using var h = await GatewayHarness.StartAsync(["mallory"]);
        Assert.Equal(HttpStatusCode.OK, (await h.AdminAsync(HttpMethod.Put, "/admin/accounts/mallory/decision", new { action = "withhold_reasoning", reason = "test" })).StatusCode);

        var json = JsonNode.Parse(await (await h.ChatAsync("mallory", "hi")).Content.ReadAsStringAsync())!;
        Assert.Null(json["choices"]![0]!["message"]!["reasoning_content"]);
        Assert.Equal(DemoUpstream.Answer, json["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(50, json["usage"]!["total_tokens"]!.GetValue<int>());

        var chunks = await Events(await h.ChatAsync("mallory", "hi", stream: true));
        Assert.DoesNotContain(chunks, e => Delta(e, "reasoning_content") is not null);
        Assert.Equal(DemoUpstream.Answer, string.Concat(chunks.Select(e => Delta(e, "content")?.GetValue<string>() ?? "")).Trim());

        var message = JsonNode.Parse(await (await h.MessagesAsync("mallory", "hi")).Content.ReadAsStringAsync())!;
        var blocks = message["content"]!.AsArray();
        Assert.Equal(["text"], blocks.Select(b => b!["type"]!.GetValue<string>()));
        Assert.DoesNotContain(DemoUpstream.Reasoning[..20], message.ToJsonString());

        var events = await Events(await h.MessagesAsync("mallory", "hi", stream: true));
        Assert.DoesNotContain(events, e => e.ToJsonString().Contains("thinking", StringComparison.Ordinal) || e.ToJsonString().Contains("signature", StringComparison.Ordinal));
        // The text block is renumbered to index 0, so the stream stays well formed.
        Assert.All(events.Where(e => e["type"]!.GetValue<string>().StartsWith("content_block", StringComparison.Ordinal)), e => Assert.Equal(0, e["index"]!.GetValue<int>()));
        Assert.Contains(events, e => e["type"]!.GetValue<string>() == "message_stop");

        // The audit trail proves it.
        var audit = JsonNode.Parse(await (await h.AdminAsync(HttpMethod.Get, "/admin/audit?account=mallory")).Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(4, audit.Count);
        Assert.All(audit, a => Assert.Equal("withhold_reasoning", a!["action"]!.GetValue<string>()));
        Assert.All(audit, a => Assert.Equal(200, a!["status"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Unknown_keys_get_401_in_the_shape_of_their_api()
    {
        await using var h = await GatewayHarness.StartAsync(["alice"]);
        var openai = await h.ChatAsync("nobody", "hi");
        Assert.Equal(HttpStatusCode.Unauthorized, openai.StatusCode);
        Assert.Equal("distillguard_unknown_account", JsonNode.Parse(await openai.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        var anthropic = await h.MessagesAsync("nobody", "hi");
        var body = JsonNode.Parse(await anthropic.Content.ReadAsStringAsync())!;
        Assert.Equal("error", body["type"]!.GetValue<string>());
        Assert.Equal("authentication_error", body["error"]!["type"]!.GetValue<string>());
        Assert.Equal(0, h.Upstream.Requests);
    }

    [Fact]
    public async Task Upstream_errors_pass_through_unchanged_and_keys_never_reach_the_log()
    {
        await using var h = await GatewayHarness.StartAsync(["alice"]);
        var r = await h.ChatAsync("alice", "hi", headers: new Dictionary<string, string> { ["x-fake-status"] = "500" });
        Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        Assert.Contains("upstream says no", await r.Content.ReadAsStringAsync());
        // The provider received the caller's key (the gateway forwards auth); the gateway's own files never hold it.
        Assert.Equal("Bearer " + GatewayHarness.KeyOf("alice"), h.Upstream.LastHeaders!.Authorization.ToString());
        await h.StopGatewayAsync();
        foreach (var file in Directory.EnumerateFiles(h.Options.DataDirectory, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".gz", StringComparison.Ordinal)))
            Assert.DoesNotContain(GatewayHarness.KeyOf("alice"), await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_request_body_that_is_not_json_is_forwarded_and_logged_as_null()
    {
        await using var h = await GatewayHarness.StartAsync(["alice"]);
        var req = new HttpRequestMessage(HttpMethod.Post, h.Url + "/v1/chat/completions") { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json") };
        req.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GatewayHarness.KeyOf("alice"));
        await h.Http.SendAsync(req);
        Assert.Equal(1, h.Upstream.Requests);
        Assert.Equal(HttpStatusCode.OK, (await h.ChatAsync("alice", "hi")).StatusCode);
        await h.StopGatewayAsync();
        var lines = await File.ReadAllLinesAsync(Path.Combine(h.Options.DataDirectory, "journal.jsonl"));
        Assert.Equal(2, lines.Length);
        Assert.Null(JsonNode.Parse(lines[0])!["request"]);
        Assert.NotNull(JsonNode.Parse(lines[1])!["request"]);
    }

    [Fact]
    public async Task A_throttled_account_gets_429_with_retry_after_beyond_its_allowance()
    {
        await using var h = await GatewayHarness.StartAsync(["bob"], o => o.Policy.Rules = [new PolicyRule { Name = "slow", Verdict = "", MinRisk = 0, Action = PolicyAction.Allow }]);
        await h.SetDecisionAsync("bob", PolicyAction.Throttle);
        // With no throttle rule configured a throttle decision allows 10 requests per minute.
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 12; i++) statuses.Add((await h.ChatAsync("bob", "hi")).StatusCode);
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        var limited = await h.ChatAsync("bob", "hi");
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(10, h.Upstream.Requests);
    }

    [Fact]
    public async Task Dry_run_records_but_does_not_enforce()
    {
        await using var h = await GatewayHarness.StartAsync(["eve"], o => o.Policy.DryRun = true);
        await h.SetDecisionAsync("eve", PolicyAction.Block);
        var r = await h.ChatAsync("eve", "hi");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var audit = JsonNode.Parse(await (await h.AdminAsync(HttpMethod.Get, "/admin/audit?account=eve")).Content.ReadAsStringAsync())!.AsArray();
        var entry = Assert.Single(audit);
        Assert.True(entry!["dry_run"]!.GetValue<bool>());
        Assert.Equal(200, entry["status"]!.GetValue<int>());
        Assert.Equal("block", entry["action"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_api_needs_its_key_and_health_and_metrics_answer()
    {
        await using var h = await GatewayHarness.StartAsync(["alice"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.AdminAsync(HttpMethod.Get, "/admin/accounts", key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.AdminAsync(HttpMethod.Get, "/admin/accounts", key: "wrong-key-0123456789")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.AdminAsync(HttpMethod.Get, "/admin/accounts")).StatusCode);
        await h.ChatAsync("alice", "hi");
        var health = JsonNode.Parse(await h.Http.GetStringAsync(h.Url + "/health"))!;
        Assert.Equal("healthy", health["status"]!.GetValue<string>());
        Assert.Equal("ok", await h.Http.GetStringAsync(h.Url + "/alive"));
        var metrics = await h.Http.GetStringAsync(h.Url + "/metrics");
        Assert.Contains("distillguard_gateway_requests", metrics);
        // Other paths pass through.
        Assert.Contains("frontier-1", await h.Http.GetStringAsync(h.Url + "/v1/models"));
    }

    [Fact]
    public void Invalid_configuration_is_reported_field_by_field()
    {
        var e = Assert.Throws<GatewayConfigurationException>(() => GatewayApp.Build(new Configuration.GatewayOptions
        {
            Upstream = "ftp://nowhere",
            Identity = new Configuration.IdentityOptions { KeyMapFile = "/nonexistent/keys.jsonl" },
            Policy = new PolicyOptions { Rules = [new PolicyRule { Verdict = "evil", MinRisk = 90, MaxRisk = 10 }] },
            Cluster = new Configuration.GatewayClusterOptions { Enabled = true, Redis = " ", Detector = "" },
        }));
        Assert.Contains(e.Problems, p => p.StartsWith("Gateway:Upstream: an absolute http or https URL", StringComparison.Ordinal) && p.Contains("ftp://nowhere"));
        Assert.Contains(e.Problems, p => p.StartsWith("Gateway:Identity:KeyMapFile", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Gateway:Policy:Rules:0:Verdict", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Gateway:Policy:Rules:0:MinRisk/MaxRisk", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Gateway:Cluster:Redis: a Redis configuration string", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("Gateway:Cluster:Detector: a detector name", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cluster_on_PostgreSQL_needs_a_connection_string_and_not_Redis()
    {
        static IReadOnlyList<string> ProblemsWith(string postgres) => Assert.Throws<GatewayConfigurationException>(() => GatewayApp.Build(new Configuration.GatewayOptions
        {
            Upstream = "ftp://nowhere", // one problem always, so Build throws before connecting anywhere
            Cluster = new Configuration.GatewayClusterOptions { Enabled = true, Redis = "", Postgres = postgres },
        })).Problems;

        var bad = ProblemsWith("Port=5432;Database=dg;Password=hunter2");  // no host
        Assert.Contains(bad, p => p.StartsWith("Gateway:Cluster:Postgres: an Npgsql connection string", StringComparison.Ordinal));
        Assert.Contains(ProblemsWith("this is not a connection string"), p => p.StartsWith("Gateway:Cluster:Postgres:", StringComparison.Ordinal));
        var good = ProblemsWith("Host=127.0.0.1;Port=5432;Database=dg;Username=dg;Password=secret");
        Assert.DoesNotContain(good, p => p.StartsWith("Gateway:Cluster:", StringComparison.Ordinal));
        Assert.DoesNotContain(bad, p => p.Contains("hunter2", StringComparison.Ordinal));  // the message never shows the password
    }
}
