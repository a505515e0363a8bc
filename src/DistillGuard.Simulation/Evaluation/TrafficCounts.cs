using System.Text.Json;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Simulation.Evaluation;

/// <summary>
/// Per-account exchange counts and, for chosen accounts, their exchange times, read from a traffic log in one
/// streaming pass (only <c>account_id</c> and <c>timestamp</c> are parsed; lines the scan would skip are skipped).
/// </summary>
public sealed class TrafficCounts
{
    /// <summary>Exchanges per account.</summary>
    public Dictionary<string, int> PerAccount { get; } = new(StringComparer.Ordinal);

    /// <summary>Exchange times (Unix ms) of the tracked accounts.</summary>
    public Dictionary<string, List<long>> Times { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads <paramref name="path"/> (plain or gzip JSONL), keeping times for <paramref name="tracked"/> accounts.</summary>
    public static TrafficCounts Read(string path, HashSet<string> tracked)
    {
        var result = new TrafficCounts();
        var lookup = result.PerAccount.GetAlternateLookup<ReadOnlySpan<char>>();
        var trackedLookup = tracked.GetAlternateLookup<ReadOnlySpan<char>>();
        using var lines = new LineReader(InputSource.File(path).Open(out _));
        Span<char> id = stackalloc char[256];
        while (lines.ReadLine(out var bytes, out bool oversized))
        {
            if (oversized || bytes.IsEmpty) continue;
            int idLength = -1;
            long ts = 0;
            try
            {
                var r = new Utf8JsonReader(bytes);
                if (!r.Read() || r.TokenType != JsonTokenType.StartObject) continue;
                while (r.Read() && r.TokenType == JsonTokenType.PropertyName && (idLength < 0 || ts == 0))
                {
                    if (r.ValueTextEquals("account_id"u8)) { r.Read(); if (r.TokenType == JsonTokenType.String && r.ValueSpan.Length <= 256) idLength = r.CopyString(id); }
                    else if (r.ValueTextEquals("timestamp"u8)) { r.Read(); if (r.TokenType == JsonTokenType.String && r.TryGetDateTimeOffset(out var t)) ts = t.ToUnixTimeMilliseconds(); }
                    else { r.Read(); r.Skip(); }
                }
            }
            catch (JsonException)
            {
                continue;
            }
            if (idLength <= 0 || ts == 0) continue;
            var account = id[..idLength];
            lookup[account] = lookup.TryGetValue(account, out var n) ? n + 1 : 1;
            if (trackedLookup.Contains(account))
            {
                var key = account.ToString();
                if (!result.Times.TryGetValue(key, out var list)) result.Times[key] = list = new List<long>();
                list.Add(ts);
            }
        }
        return result;
    }
}
