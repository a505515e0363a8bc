using DistillGuard.Simulation.Corpora;
using DistillGuard.Simulation.Scenarios;

namespace DistillGuard.Simulation.Generation;

/// <summary>
/// Decides what one simulated exchange carries: content (pool item, template, mix share), session continuation,
/// tool loops, model (with pivots to new releases), API format, sampling parameters, reasoning, replayed signatures,
/// and the response's usage.
/// </summary>
public sealed class ExchangeComposer
{
    /// <summary>Signatures remembered per campaign for replay.</summary>
    public const int SignatureRing = 4096;

    private static readonly IReadOnlyList<ToolDef> IdeTools =
    [
        new("read_file", "Read a file from the workspace", """{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}"""),
        new("write_file", "Write a file in the workspace", """{"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path","content"]}"""),
        new("run_command", "Run a shell command in the workspace", """{"type":"object","properties":{"command":{"type":"string"}},"required":["command"]}"""),
        new("search_code", "Search the workspace for a pattern", """{"type":"object","properties":{"pattern":{"type":"string"}},"required":["pattern"]}"""),
        new("list_directory", "List a directory", """{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}"""),
    ];

    private readonly Scenario _scenario;
    private readonly IReadOnlyDictionary<string, ContentPool> _pools;
    private readonly long _startMs;
    private readonly Dictionary<string, Queue<string>> _issued = new();

    /// <summary>Creates a composer.</summary>
    public ExchangeComposer(Scenario scenario, IReadOnlyDictionary<string, ContentPool> pools)
    {
        _scenario = scenario;
        _pools = pools;
        _startMs = scenario.Start.ToUnixTimeMilliseconds();
    }

    /// <summary>Plans the next exchange of <paramref name="a"/> at <paramref name="nowMs"/>.</summary>
    public ExchangePlan Compose(SimAccount a, long nowMs)
    {
        var p = a.Persona;
        var r = a.Rng;
        var plan = new ExchangePlan();
        var session = a.Session;
        if (session is { TurnsLeft: > 0 })
        {
            session.TurnsLeft--;
            Continue(a, session, plan);
        }
        else if (p.Replay is { } replay && r.NextDouble() < replay.Share && _issued.TryGetValue(replay.SourceCampaign, out var ring) && ring.Count > 0)
        {
            a.Session = null;
            Replay(a, ring, plan, nowMs);
        }
        else
        {
            session = Start(a, plan, nowMs);
            a.Session = session.TurnsLeft > 0 ? session : null;
        }
        Respond(a, plan);
        if (plan.IssuedSignature is not null && p.Campaign is not null) Remember(p.Campaign, plan.IssuedSignature);
        if (a.Session is { } s) s.History.Add(new Turn(plan.Messages[^1], plan.ResponseText, plan.ResponseToolCall, plan.IssuedSignature));
        a.Sent++;
        return plan;
    }

    private Session Start(SimAccount a, ExchangePlan plan, long nowMs)
    {
        var p = a.Persona;
        var r = a.Rng;
        var contents = p.Content;
        foreach (var mix in p.Mix)
        {
            if (r.NextDouble() < mix.Share) { contents = mix.Content; break; }
        }
        var content = PickWeighted(contents, c => c.Weight, r);
        var item = _pools[content.Pool].Draw(r);
        string user = item.Text;
        string? system = item.System;
        if (content.Template is not null)
        {
            var t = _scenario.Templates[content.Template];
            var variant = t.User[r.Next(t.User.Count)];
            user = variant.Replace("{item}", item.Text).Replace("{n}", ((int)t.Count.Uniform(r)).ToString());
            system = t.System ?? system;
        }
        if (content.SystemPool is not null)
        {
            a.StickySystem ??= _pools[content.SystemPool].Draw(r).Text;
            system = a.StickySystem;
        }

        plan.Anthropic = PickWeighted(p.Request.Format.ToList(), kv => kv.Value, r).Key == "anthropic";
        plan.Model = PickModel(a, nowMs);
        plan.System = system;
        plan.Reasoning = r.NextDouble() < p.Request.Reasoning && _scenario.Models.First(m => m.Name == plan.Model).Reasoning;
        if (r.NextDouble() < p.Request.Tools)
            plan.Tools = p.Request.ToolSource == "ide" ? IdeTools : item.Tools ?? (p.Request.ToolSource is { } ts ? _pools[ts].Draw(r).Tools : null);
        plan.Messages.Add(new PlanMessage("user", user));
        SampleParameters(a, plan);

        int turns = Math.Max(1, p.Session.Turns.Int(r));
        return new Session
        {
            TurnsLeft = turns - 1,
            Item = item,
            System = system,
            Tools = plan.Tools,
            Anthropic = plan.Anthropic,
            Model = plan.Model,
            Reasoning = plan.Reasoning,
        };
    }

    private void Continue(SimAccount a, Session s, ExchangePlan plan)
    {
        var r = a.Rng;
        plan.Anthropic = s.Anthropic;
        plan.Model = s.Model;
        plan.System = s.System;
        plan.Tools = s.Tools;
        plan.Reasoning = s.Reasoning;
        // Resend the history (the first message and the last few turns, as clients trim long contexts).
        int first = Math.Max(0, s.History.Count - 6);
        if (first > 0) plan.Messages.Add(s.History[0].Input);
        for (int k = first; k < s.History.Count; k++)
        {
            var turn = s.History[k];
            plan.Messages.Add(turn.Input);
            plan.Messages.Add(new PlanMessage("assistant", turn.Assistant, turn.ToolCall, "call_" + k, turn.ThinkingSignature));
        }
        var last = s.History.Count > 0 ? s.History[^1] : null;
        if (a.Persona.Session.ToolLoop && last?.ToolCall is not null)
        {
            // The tool result of the previous step's call.
            plan.Messages.Add(new PlanMessage("tool", ToolResult(last.ToolCall, r), ToolCallId: "call_" + (s.History.Count - 1)));
        }
        else
        {
            int turnIndex = s.History.Count;
            string next = s.Item.UserTurns is { } turns && turnIndex < turns.Count ? turns[turnIndex]
                : _scenario.Followups.Count > 0 ? _scenario.Followups[r.Next(_scenario.Followups.Count)] : "Can you say more?";
            plan.Messages.Add(new PlanMessage("user", next));
        }
        SampleParameters(a, plan);
    }

    private void Replay(SimAccount a, Queue<string> ring, ExchangePlan plan, long nowMs)
    {
        var r = a.Rng;
        var p = a.Persona;
        var content = PickWeighted(p.Content, c => c.Weight, r);
        var item = _pools[content.Pool].Draw(r);
        var signature = ring.ElementAt(r.Next(ring.Count));
        plan.Anthropic = true;
        plan.Model = PickModel(a, nowMs);
        plan.Reasoning = true;
        plan.Messages.Add(new PlanMessage("user", item.Text));
        plan.Messages.Add(new PlanMessage("assistant", SyntheticText.Make(r, 200), ThinkingSignature: signature));
        plan.Messages.Add(new PlanMessage("user", "Continue from your previous reasoning and finish the solution."));
        SampleParameters(a, plan);
    }

    private void SampleParameters(SimAccount a, ExchangePlan plan)
    {
        var q = a.Persona.Request;
        var r = a.Rng;
        plan.Temperature = Math.Round(q.Temperature.Uniform(r), 2);
        plan.MaxTokens = plan.Reasoning ? 16000 : 2048;
        if (!plan.Anthropic && q.Logprobs is { } lp && r.NextDouble() < lp.Probability) plan.TopLogprobs = Math.Max(0, lp.Top.Int(r));
        if (!plan.Anthropic && q.Choices is { } ch && r.NextDouble() < ch.Probability)
        {
            plan.Choices = Math.Max(2, ch.N.Int(r));
            plan.Temperature = Math.Round(ch.Temperature.Uniform(r), 2);
        }
    }

    private void Respond(SimAccount a, ExchangePlan plan)
    {
        var q = a.Persona.Request;
        var r = a.Rng;
        int chars = (plan.System?.Length ?? 0) + plan.Messages.Sum(m => m.Text.Length);
        plan.PromptTokens = chars / 4 + 8;
        plan.OutputTokens = (int)q.OutputTokens.Uniform(r) * plan.Choices;
        plan.LatencyMs = 300 + r.Next(2500);
        if (plan.Reasoning)
        {
            plan.ReasoningTokens = (int)q.ReasoningTokens.Uniform(r);
            plan.LatencyMs += plan.ReasoningTokens / 20;
            if (r.NextDouble() < q.ExposeReasoning)
            {
                plan.ReasoningText = SyntheticText.Make(r, 240 + r.Next(360), "Let me work through this carefully.");
                if (plan.Anthropic) plan.IssuedSignature = NewSignature(r);
            }
        }
        bool toolStep = plan.Tools is { Count: > 0 } && (a.Persona.Session.ToolLoop ? a.Session is { TurnsLeft: > 0 } : r.NextDouble() < 0.7);
        if (toolStep)
        {
            plan.ResponseToolCall = plan.Tools![r.Next(plan.Tools.Count)].Name;
            plan.ResponseText = "";
        }
        else plan.ResponseText = SyntheticText.Make(r, 160 + r.Next(480));
    }

    private string PickModel(SimAccount a, long nowMs)
    {
        var p = a.Persona;
        var r = a.Rng;
        double day = (nowMs - _startMs) / 86_400_000.0;
        var released = _scenario.Models.Where(m => m.ReleaseDay <= day).ToList();
        if (p.Pivot is { } pivot)
        {
            var target = _scenario.Models.First(m => m.Name == pivot.Model);
            if (day >= target.ReleaseDay + pivot.DelayHours / 24 && r.NextDouble() < pivot.Share) return target.Name;
        }
        var pool = p.Request.Models is { } weights
            ? released.Where(m => weights.ContainsKey(m.Name)).Select(m => (m.Name, W: weights[m.Name])).ToList()
            : released.Where(m => m.ReleaseDay == 0).Select(m => (m.Name, W: 1.0)).ToList();
        if (pool.Count == 0) pool = released.Select(m => (m.Name, W: 1.0)).ToList();
        return PickWeighted(pool, x => x.W, r).Name;
    }

    private void Remember(string campaign, string signature)
    {
        if (!_issued.TryGetValue(campaign, out var ring)) _issued[campaign] = ring = new Queue<string>();
        ring.Enqueue(signature);
        if (ring.Count > SignatureRing) ring.Dequeue();
    }

    private static string ToolResult(string tool, Random r) => tool switch
    {
        "read_file" => "def handler(event):\n    payload = parse(event)\n    return respond(payload)\n" + SyntheticText.Make(r, 120),
        "run_command" => "exit code 0\n" + SyntheticText.Make(r, 100),
        "search_code" => "src/app/handler.py:12: payload = parse(event)\nsrc/app/util.py:40: def parse(event):",
        _ => "{\"ok\": true, \"result\": \"" + SyntheticText.Make(r, 60) + "\"}",
    };

    private static string NewSignature(Random r)
    {
        Span<byte> b = stackalloc byte[48];
        r.NextBytes(b);
        return Convert.ToBase64String(b);
    }

    private static T PickWeighted<T>(IReadOnlyList<T> items, Func<T, double> weight, Random r)
    {
        double total = 0;
        foreach (var i in items) total += weight(i);
        double u = r.NextDouble() * total;
        foreach (var i in items)
        {
            u -= weight(i);
            if (u < 0) return i;
        }
        return items[^1];
    }
}
