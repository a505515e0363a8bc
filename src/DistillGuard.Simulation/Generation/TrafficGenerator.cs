using System.Buffers;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using DistillGuard.Simulation.Corpora;
using DistillGuard.Simulation.Scenarios;

namespace DistillGuard.Simulation.Generation;

/// <summary>What a generation run wrote.</summary>
/// <param name="Exchanges">Exchanges written.</param>
/// <param name="Accounts">Accounts planned.</param>
/// <param name="PerPersona">Exchanges per persona name.</param>
/// <param name="TrafficPath">traffic.jsonl.gz.</param>
/// <param name="AccountsPath">accounts.jsonl.</param>
/// <param name="LabelsPath">labels.jsonl.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record GenerationResult(long Exchanges, int Accounts, IReadOnlyDictionary<string, long> PerPersona,
    string TrafficPath, string AccountsPath, string LabelsPath, TimeSpan Elapsed);

/// <summary>
/// Generates a scenario's labelled traffic: <c>traffic.jsonl.gz</c> (exchange log, in time order),
/// <c>accounts.jsonl</c> (the registry facts) and <c>labels.jsonl</c> (ground truth). Deterministic for a seed.
/// Streams: events are merged lazily from one source per account (or per load-balanced campaign) through a
/// priority queue, so memory grows with the number of accounts, never with the number of exchanges.
/// </summary>
public sealed class TrafficGenerator
{
    private readonly Scenario _scenario;
    private readonly IReadOnlyDictionary<string, ContentPool> _pools;
    private readonly int _seed;
    private readonly double _scale;

    /// <summary>Creates a generator.</summary>
    public TrafficGenerator(Scenario scenario, IReadOnlyDictionary<string, ContentPool> pools, int seed, double scale)
    {
        if (scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be positive");
        _scenario = scenario;
        _pools = pools;
        _seed = seed;
        _scale = scale;
    }

    /// <summary>Approximate number of exchanges the run will write (for progress bars).</summary>
    public long EstimatedExchanges =>
        (long)_scenario.Personas.Sum(p => p.Activity.Pattern == "round_robin"
            ? p.Exchanges * _scale
            : Math.Max(1, Math.Round(p.Accounts * _scale)) * ExpectedLogUniform(p.ExchangesPerAccount));

    /// <summary>Runs the generation into <paramref name="outDir"/>.</summary>
    /// <param name="outDir">Output folder (created).</param>
    /// <param name="progress">Called with the number of exchanges written, every 10,000.</param>
    /// <param name="cancel">Stops early (the files written so far remain valid).</param>
    public GenerationResult Run(string outDir, Action<long>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        var accounts = AccountPlanner.Plan(_scenario, _seed, _scale);
        string accountsPath = Path.Combine(outDir, "accounts.jsonl");
        string labelsPath = Path.Combine(outDir, "labels.jsonl");
        string trafficPath = Path.Combine(outDir, "traffic.jsonl.gz");
        WriteAccounts(accounts, accountsPath, labelsPath);

        long start = _scenario.Start.ToUnixTimeMilliseconds();
        long end = start + (long)(_scenario.Days * 86_400_000);
        var queue = new PriorityQueue<EventSource, (long, int)>();
        var sources = new List<EventSource>();
        foreach (var group in accounts.GroupBy(a => a.PersonaIndex))
        {
            var persona = _scenario.Personas[group.Key];
            var window = persona.Activity.Window ?? new ValueRange(0, _scenario.Days);
            long ws = start + (long)(window.Min * 86_400_000), we = Math.Min(end, start + (long)(window.Max * 86_400_000));
            if (persona.Activity.Pattern == "round_robin")
                sources.Add(new RoundRobinActivity(group.ToList(), (long)Math.Round(persona.Exchanges * _scale), ws, we,
                    new Random(AccountPlanner.Mix(_seed, group.Key, 1_000_003))));
            else
                foreach (var a in group) sources.Add(new AccountActivity(a, ws, we));
        }
        for (int i = 0; i < sources.Count; i++)
            if (sources[i].NextMs != long.MaxValue) queue.Enqueue(sources[i], (sources[i].NextMs, i));

        var composer = new ExchangeComposer(_scenario, _pools);
        var perPersona = _scenario.Personas.ToDictionary(p => p.Name, _ => 0L);
        long written = 0;
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        using (var file = new FileStream(trafficPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        using (var gz = new GZipStream(file, CompressionLevel.Fastest))
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            while (queue.TryDequeue(out var source, out var key) && !cancel.IsCancellationRequested)
            {
                var a = source.Current;
                long ts = source.NextMs;
                var plan = composer.Compose(a, ts);
                string ip = a.Persona.Network.Rotate > 0 && a.Rng.NextDouble() < a.Persona.Network.Rotate
                    ? AccountPlanner.ResidentialIp(a.Rng)
                    : a.Ips[a.Rng.Next(a.Ips.Length)];
                buffer.ResetWrittenCount();
                json.Reset(buffer);
                ExchangeJsonWriter.Write(json, a, plan, ts, written, ip);
                json.Flush();
                gz.Write(buffer.WrittenSpan);
                gz.WriteByte((byte)'\n');
                written++;
                perPersona[a.Persona.Name]++;
                if (written % 10_000 == 0) progress?.Invoke(written);

                source.Advance();
                if (source.NextMs != long.MaxValue) queue.Enqueue(source, (source.NextMs, key.Item2));
            }
        }
        progress?.Invoke(written);
        return new GenerationResult(written, accounts.Count, perPersona, trafficPath, accountsPath, labelsPath, clock.Elapsed);
    }

    private static void WriteAccounts(List<SimAccount> accounts, string accountsPath, string labelsPath)
    {
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using var accountsFile = File.Create(accountsPath);
        using var labelsFile = File.Create(labelsPath);
        foreach (var a in accounts)
        {
            using (var w = new Utf8JsonWriter(accountsFile, options))
            {
                w.WriteStartObject();
                w.WriteString("account_id", a.Id);
                w.WriteString("created_at", DateTimeOffset.FromUnixTimeMilliseconds(a.CreatedAtMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
                w.WriteString("org_id", a.OrgId);
                w.WriteString("email_domain", a.EmailDomain);
                if (a.PaymentFingerprint is null) w.WriteNull("payment_fingerprint"); else w.WriteString("payment_fingerprint", a.PaymentFingerprint);
                w.WriteString("tier", a.Tier);
                if (a.Program is null) w.WriteNull("program"); else w.WriteString("program", a.Program);
                w.WriteBoolean("verified", a.Verified);
                w.WriteString("country", a.Country);
                w.WriteEndObject();
            }
            accountsFile.WriteByte((byte)'\n');
            using (var w = new Utf8JsonWriter(labelsFile, options))
            {
                w.WriteStartObject();
                w.WriteString("account_id", a.Id);
                w.WriteString("label", a.Persona.Label);
                w.WriteString("persona", a.Persona.Name);
                if (a.Persona.Campaign is null) w.WriteNull("campaign"); else w.WriteString("campaign", a.Persona.Campaign);
                w.WriteEndObject();
            }
            labelsFile.WriteByte((byte)'\n');
        }
    }

    private static double ExpectedLogUniform(ValueRange r) =>
        r.Min <= 0 || r.Max <= r.Min ? r.Mean : (r.Max - r.Min) / (Math.Log(r.Max) - Math.Log(r.Min));
}
