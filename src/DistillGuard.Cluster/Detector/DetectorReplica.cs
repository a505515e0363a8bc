using DistillGuard.Cluster.Batches;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Findings;
using DistillGuard.Ingest.Formats;

namespace DistillGuard.Cluster.Detector;

/// <summary>
/// A <see cref="DetectionEngine"/> rebuilt from a detector log: entries are applied strictly in log order, so any
/// replica of the same log — the first activation, or the one that replays it after a silo was lost — holds the
/// same state and produces the same findings as a single-process scan of the same lines. Host-independent (no
/// Orleans types), so it is tested on its own.
/// </summary>
/// <remarks>Not thread-safe; the grain serialises calls.</remarks>
public sealed class DetectorReplica
{
    private readonly ExchangeParser _parser = new();
    private readonly Exchange _exchange = new();
    private readonly ExchangeAnalysis _analysis = new();
    private readonly Dictionary<string, string> _datasets = new(StringComparer.Ordinal);
    private FindingsDocument? _finished;

    /// <summary>The settings, once entry 0 was applied; null before.</summary>
    public DetectorSettings? Settings { get; private set; }

    /// <summary>The engine, once the settings entry was applied; null before.</summary>
    public DetectionEngine? Engine { get; private set; }

    /// <summary>Log entries applied; the sequence number the next entry must carry.</summary>
    public long Applied { get; private set; }

    /// <summary>Exchanges processed.</summary>
    public long Exchanges => Engine?.ExchangeCount ?? 0;

    /// <summary>Lines of exchange entries that did not parse here (the client validates them, so this stays 0 unless versions differ).</summary>
    public long Rejected { get; private set; }

    /// <summary>For each live writer (origin), the last of its sequence numbers in the log.</summary>
    public IReadOnlyDictionary<string, long> OriginSequences => _origins;

    private readonly Dictionary<string, long> _origins = new(StringComparer.Ordinal);

    /// <summary>Entries whose payload did not decode (skipped, after any lines before the bad spot were applied).</summary>
    public long RejectedEntries { get; private set; }

    /// <summary>Why the last rejected entry was rejected, or null.</summary>
    public string? LastRejection { get; private set; }

    /// <summary>
    /// Why <paramref name="entry"/> cannot be the next entry of the log, or null if it can. Hosts check this before
    /// they append, so that the log never holds an entry that would stop every replay.
    /// </summary>
    public string? Validate(ExchangeBatch entry)
    {
        if (entry.Sequence != Applied) return $"entry {entry.Sequence} when entry {Applied} is next";
        if (Finished) return "the detector has finished; it accepts no more entries (start a new detector for new traffic)";
        if (entry.Kind == BatchKind.Settings)
        {
            if (Engine is not null) return "the detector's settings were already applied";
            try
            {
                DetectorSettings.FromJson(entry.Payload);
            }
            catch (InvalidDataException e)
            {
                return e.Message;
            }
            return null;
        }
        if (!Enum.IsDefined(entry.Kind)) return $"unknown entry kind {entry.Kind}";
        if (entry.Kind == BatchKind.Census) return "census entries belong to a partition detector of a partitioned scan, not to a detector";
        return Engine is null ? "the detector's log does not start with its settings (a live writer calls Open first)" : null;
    }

    /// <summary>Whether <see cref="Finish"/> ran (no further entries are accepted).</summary>
    public bool Finished => _finished is not null;

    /// <summary>
    /// Applies the next entry of the log. A payload that does not decode is skipped and counted in
    /// <see cref="RejectedEntries"/> (deterministically: a replay applies and skips exactly the same), so one bad entry
    /// cannot stop every later replay.
    /// </summary>
    /// <param name="entry">The entry; its <see cref="ExchangeBatch.Sequence"/> must equal <see cref="Applied"/>.</param>
    /// <exception cref="InvalidOperationException">Out of order, exchanges before settings, or after <see cref="Finish"/> (see <see cref="Validate"/>).</exception>
    public void Apply(ExchangeBatch entry)
    {
        try
        {
            ApplyEntry(entry);
        }
        catch (InvalidDataException e)
        {
            RejectedEntries++;
            LastRejection = $"entry {entry.Sequence}: {e.Message}";
        }
        if (entry.Origin is not null) _origins[entry.Origin] = entry.OriginSequence;
        Applied++;
    }

    private void ApplyEntry(ExchangeBatch entry)
    {
        if (entry.Sequence != Applied) throw new InvalidOperationException($"detector log entry {entry.Sequence} applied when entry {Applied} was expected");
        if (Finished) throw new InvalidOperationException("the detector has finished; it accepts no more entries");
        switch (entry.Kind)
        {
            case BatchKind.Settings:
                if (Engine is not null) throw new InvalidOperationException("the detector's settings were already applied");
                Settings = DetectorSettings.FromJson(entry.Payload);
                Engine = new DetectionEngine(Settings.ToEngineOptions());
                break;
            case BatchKind.Accounts:
                var engine = EngineOrThrow();
                foreach (var m in ExchangeBatchCodec.DecodeAccounts(entry.Payload)) engine.RegisterAccount(m);
                break;
            case BatchKind.Exchanges:
                ApplyExchanges(EngineOrThrow(), entry);
                break;
            case BatchKind.Recompute:
                EngineOrThrow().Finish();
                break;
            default:
                throw new InvalidDataException($"detector log entry: unknown kind {entry.Kind}");
        }
    }

    private void ApplyExchanges(DetectionEngine engine, ExchangeBatch entry)
    {
        var analyses = entry.Analyses;
        int at = 0;
        ExchangeBatchCodec.ForEachLine(entry.Payload, (line, source, number) =>
        {
            bool analysed = false;
            if (analyses is not null)
            {
                if (at >= analyses.Length) throw new InvalidDataException("detector entry: fewer analyses than lines");
                (int read, analysed) = ExchangeAnalysisCodec.Read(analyses.AsSpan(at), _analysis, _datasets);
                at += read;
            }
            if (_parser.Parse(line, _exchange) is not null) // (an exchange without an account id does not parse)
            {
                Rejected++;
                return;
            }
            if (analysed) engine.Process(_exchange, _analysis, source, number);
            else engine.Process(_exchange, source, number);
        });
    }

    /// <summary>
    /// Ends the stream (<see cref="DetectionEngine.Finish"/>) and builds the findings; later calls return the same
    /// document.
    /// </summary>
    /// <param name="input">What the client read (sources, lines, errors); accounts and times are filled in here.</param>
    /// <param name="options">Findings options.</param>
    /// <exception cref="InvalidOperationException">No settings were applied.</exception>
    public FindingsDocument Finish(InputSummary input, FindingsOptions options)
    {
        if (_finished is not null) return _finished;
        var engine = EngineOrThrow();
        engine.Finish();
        _finished = FindingsBuilder.Build(engine, input, options);
        return _finished;
    }

    private DetectionEngine EngineOrThrow() => Engine ?? throw new InvalidOperationException("the detector's log does not start with its settings");
}
