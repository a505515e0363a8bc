using DistillGuard.Cluster.Batches;
using DistillGuard.Cluster.Detector;
using DistillGuard.Core.Analysis;
using DistillGuard.Core.Engine;
using DistillGuard.Core.Exchanges;
using DistillGuard.Ingest.Formats;

namespace DistillGuard.Cluster.Partitions;

/// <summary>
/// One partition of a partitioned, order-independent scan, rebuilt from its log (docs/design/0006-cluster-plan.md,
/// "Stage 2"). The log holds the partition's settings, its accounts and its exchanges, then the merged census of
/// the whole log in <see cref="BatchKind.Census"/> pieces. Two passes over the log:
/// <list type="number">
/// <item>While entries arrive (<see cref="Apply"/>), the exchanges are counted into this partition's part of the census
/// (<see cref="CensusPart"/>): template keys only (<see cref="ExchangeAnalyzer.AnalyzeTemplateKeys"/>).</item>
/// <item>Once the merged census is complete, the same entries are read again from the log
/// (<see cref="ApplySecondPass"/>) into an engine that uses the census, whose state <see cref="CompleteSecondPass"/>
/// encodes (<see cref="PartitionStateCodec"/>) for the scan's client to merge.</item>
/// </list>
/// Host-independent (no Orleans types), so it is tested on its own. Deterministic: any replica of the same log holds
/// the same census part and produces the same state bytes.
/// </summary>
/// <remarks>Not thread-safe; the grain serialises calls.</remarks>
public sealed class PartitionReplica
{
    private readonly ExchangeParser _parser = new();
    private readonly Exchange _exchange = new();
    private readonly ExchangeAnalysis _analysis = new();
    private ExchangeAnalyzer? _analyzer;
    private LogCensus? _part;
    private byte[]? _partBytes;
    private byte[]? _censusBytes;
    private int _censusFilled;

    /// <summary>The settings, once entry 0 was applied; null before.</summary>
    public DetectorSettings? Settings { get; private set; }

    /// <summary>Log entries applied; the sequence number the next entry must carry.</summary>
    public long Applied { get; private set; }

    /// <summary>Exchanges counted into the census part (the partition's valid exchange lines).</summary>
    public long Exchanges { get; private set; }

    /// <summary>Accounts-file entries the log holds.</summary>
    public long Accounts { get; private set; }

    /// <summary>Exchange lines that did not parse here (the client validates them, so this stays 0 unless versions differ).</summary>
    public long RejectedLines { get; private set; }

    /// <summary>Entries whose payload did not decode (skipped in both passes).</summary>
    public long RejectedEntries { get; private set; }

    /// <summary>Why the last rejected entry was rejected, or null.</summary>
    public string? LastRejection { get; private set; }

    /// <summary>The position of the first census entry in the log, or −1 while exchanges may still arrive.</summary>
    public long CensusAt { get; private set; } = -1;

    /// <summary>The merged census of the whole log, once all its pieces were applied; null before.</summary>
    public LogCensus? Census { get; private set; }

    /// <summary>The engine of the second pass, between <see cref="BeginSecondPass"/> and <see cref="CompleteSecondPass"/>.</summary>
    public DetectionEngine? Engine { get; private set; }

    /// <summary>Entries of the log the second pass has read so far (settings included).</summary>
    public long SecondPassRead { get; private set; }

    /// <summary>The partition's engine state (<see cref="PartitionStateCodec"/>), once the second pass completed; null before.</summary>
    public byte[]? State { get; private set; }

    /// <summary>Accounts in the partition's state (after <see cref="CompleteSecondPass"/>).</summary>
    public int StateAccounts { get; private set; }

    /// <summary>Largest census width (counters per row) a partition accepts.</summary>
    public const int MaxCensusWidth = 1 << 30;

    /// <summary>
    /// The largest merged census a partition with census width <paramref name="width"/> accepts, in bytes: the header,
    /// up to 8 rows of 2-bit counters, <see cref="LogCensus.SignatureCapacity"/> issuers and
    /// <see cref="Core.Registries.ModelRegistry.Capacity"/> models of up to 4 KiB of name each.
    /// </summary>
    public static long MaxCensusBytes(int width) =>
        64 + (long)width * 8 / 4 + 4 + 16L * LogCensus.SignatureCapacity + 4 + Core.Registries.ModelRegistry.Capacity * (8L + 5 + 4096);

    /// <summary>
    /// Why <paramref name="entry"/> cannot be the next entry of the log, or null if it can. Hosts check this before they
    /// append, so that the log never holds an entry that would stop every replay.
    /// </summary>
    public string? Validate(ExchangeBatch entry)
    {
        if (entry.Sequence != Applied) return $"entry {entry.Sequence} when entry {Applied} is next";
        if (!Enum.IsDefined(entry.Kind)) return $"unknown entry kind {entry.Kind}";
        if (entry.Kind == BatchKind.Settings)
        {
            if (Settings is not null) return "the partition's settings were already applied";
            DetectorSettings settings;
            try
            {
                settings = DetectorSettings.FromJson(entry.Payload);
            }
            catch (InvalidDataException e)
            {
                return e.Message;
            }
            if (settings.Partitions < 1 || settings.Partition < 0 || settings.Partition >= settings.Partitions)
                return $"partition {settings.Partition} of {settings.Partitions}: not the settings of a partition detector";
            if (settings.CensusWidth < 64 || settings.CensusWidth > MaxCensusWidth || !System.Numerics.BitOperations.IsPow2(settings.CensusWidth))
                return $"census width {settings.CensusWidth}: a partition detector's settings need a power of two from 64 to 2^30";
            try
            {
                settings.ToEngineOptions(); // (a reference index that does not load would leave the partition without an engine)
            }
            catch (InvalidDataException e)
            {
                return "the settings' reference index does not load: " + e.Message;
            }
            return null;
        }
        if (Engine is null && State is null) return "the partition's log does not start with its settings";
        switch (entry.Kind)
        {
            case BatchKind.Accounts or BatchKind.Exchanges when CensusAt >= 0:
                return "the partition has its census; it accepts no more accounts or exchanges";
            case BatchKind.Census:
                if (Census is not null) return "the partition's census is complete";
                if (entry.Count <= 0 || entry.Count > MaxCensusBytes(Settings!.CensusWidth))
                    return $"census length {entry.Count}: expected 1 to {MaxCensusBytes(Settings!.CensusWidth)} bytes for census width {Settings.CensusWidth}";
                if (entry.Payload.Length == 0) return "an empty census piece";
                if (_censusBytes is not null && entry.Count != _censusBytes.Length) return $"census length {entry.Count}, but earlier pieces said {_censusBytes.Length}";
                if (_censusFilled + (long)entry.Payload.Length > entry.Count) return $"census piece of {entry.Payload.Length} bytes overflows the census's {entry.Count} bytes";
                return null;
            case BatchKind.Recompute:
                return "a partition detector is not recomputed; its scan's client merges the partitions";
            default:
                return null;
        }
    }

    /// <summary>
    /// Applies the next entry of the log (the first pass). A payload that does not decode is skipped and counted in
    /// <see cref="RejectedEntries"/>, in the second pass too.
    /// </summary>
    /// <exception cref="InvalidOperationException">The entry is not a valid next entry (<see cref="Validate"/>).</exception>
    public void Apply(ExchangeBatch entry)
    {
        if (Validate(entry) is { } problem) throw new InvalidOperationException($"partition log entry {entry.Sequence}: {problem}");
        _partBytes = null;
        try
        {
            switch (entry.Kind)
            {
                case BatchKind.Settings:
                    var settings = DetectorSettings.FromJson(entry.Payload);
                    Engine = new DetectionEngine(settings.ToEngineOptions());
                    _analyzer = Engine.CreateAnalyzer();
                    _part = new LogCensus(settings.CensusWidth);
                    Settings = settings;
                    break;
                case BatchKind.Accounts:
                    Accounts += ExchangeBatchCodec.DecodeAccounts(entry.Payload).Length;
                    break;
                case BatchKind.Exchanges:
                    ExchangeBatchCodec.ForEachLine(entry.Payload, (line, _, _) =>
                    {
                        if (_parser.Parse(line, _exchange) is not null)
                        {
                            RejectedLines++;
                            return;
                        }
                        _analyzer!.AnalyzeTemplateKeys(_exchange, _analysis);
                        _part!.Observe(_exchange, _analysis);
                        Exchanges++;
                    });
                    break;
                case BatchKind.Census:
                    if (CensusAt < 0) CensusAt = entry.Sequence;
                    _censusBytes ??= new byte[entry.Count];
                    entry.Payload.CopyTo(_censusBytes.AsSpan(_censusFilled));
                    _censusFilled += entry.Payload.Length;
                    if (_censusFilled == _censusBytes.Length) CompleteCensus();
                    break;
            }
        }
        catch (InvalidDataException e)
        {
            RejectedEntries++;
            LastRejection = $"entry {entry.Sequence}: {e.Message}";
        }
        Applied++;
    }

    private void CompleteCensus()
    {
        var bytes = _censusBytes!;
        _censusBytes = null;
        _censusFilled = 0;
        var census = LogCensus.FromBytes(bytes); // (InvalidDataException: the entry is rejected and the pieces start again)
        if (census.Width != Settings!.CensusWidth)
            throw new InvalidDataException($"the census has {census.Width} counters per row; this partition's settings say {Settings.CensusWidth}");
        Census = census;
        _part = null; // the partition's own part is merged into it
    }

    /// <summary>This partition's part of the census (<see cref="LogCensus.ToBytes"/>), of the entries applied so far.</summary>
    /// <exception cref="InvalidOperationException">No settings yet, or the merged census has arrived (the part is gone).</exception>
    public byte[] CensusPart()
    {
        if (Settings is null) throw new InvalidOperationException("the partition has no settings yet");
        if (_part is null) throw new InvalidOperationException("the partition has its merged census; its own part is no longer kept");
        return _partBytes ??= _part.ToBytes();
    }

    /// <summary>Starts the second pass: the engine takes the merged census; then give it entries 0 … <see cref="CensusAt"/> − 1 of the log in order.</summary>
    /// <exception cref="InvalidOperationException">The census is not complete, or a second pass already started.</exception>
    public void BeginSecondPass()
    {
        if (Census is null) throw new InvalidOperationException("the partition's census is not complete");
        if (SecondPassRead > 0 || State is not null) throw new InvalidOperationException("the second pass already started");
        Engine!.UseCensus(Census);
    }

    /// <summary>Whether the second pass has read every entry before the census.</summary>
    public bool SecondPassDone => Census is not null && SecondPassRead >= CensusAt;

    /// <summary>Applies the log's next entry in the second pass (full analysis, into the engine).</summary>
    /// <param name="entry">Entry <see cref="SecondPassRead"/> of the log.</param>
    /// <exception cref="InvalidOperationException">The entry is out of order or past the census.</exception>
    public void ApplySecondPass(ExchangeBatch entry)
    {
        if (entry.Sequence != SecondPassRead || SecondPassDone)
            throw new InvalidOperationException($"second pass: entry {entry.Sequence} when entry {SecondPassRead} of {CensusAt} is next");
        var engine = Engine ?? throw new InvalidOperationException("the second pass has not started");
        SecondPassRead++;
        try
        {
            switch (entry.Kind)
            {
                case BatchKind.Accounts:
                    foreach (var m in ExchangeBatchCodec.DecodeAccounts(entry.Payload)) engine.RegisterAccount(m);
                    break;
                case BatchKind.Exchanges:
                    ExchangeBatchCodec.ForEachLine(entry.Payload, (line, source, number) =>
                    {
                        if (_parser.Parse(line, _exchange) is null) engine.Process(_exchange, source, number); // (a line that does not parse was counted in the first pass)
                    });
                    break;
            }
        }
        catch (InvalidDataException)
        {
            // Rejected in the first pass too, and counted there.
        }
    }

    /// <summary>Ends the second pass: encodes the engine's state into <see cref="State"/> and lets the engine go.</summary>
    /// <exception cref="InvalidOperationException">The second pass has not read every entry before the census.</exception>
    public byte[] CompleteSecondPass()
    {
        if (State is not null) return State;
        if (!SecondPassDone || Engine is null) throw new InvalidOperationException($"the second pass has read {SecondPassRead} of {CensusAt} entries");
        State = PartitionStateCodec.Write(Engine);
        StateAccounts = Engine.AccountCount;
        Engine = null;
        _analyzer = null;
        return State;
    }

    /// <summary>Settings of partition <paramref name="partition"/> of <paramref name="partitions"/> with census width <paramref name="censusWidth"/>.</summary>
    public static DetectorSettings SettingsFor(DetectorSettings settings, int partition, int partitions, int censusWidth) =>
        settings with { Partition = partition, Partitions = partitions, CensusWidth = censusWidth };
}
