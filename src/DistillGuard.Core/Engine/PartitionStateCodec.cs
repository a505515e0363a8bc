using System.Runtime.InteropServices;
using DistillGuard.Core.Profiles;

namespace DistillGuard.Core.Engine;

/// <summary>
/// Binary form of what a partition engine hands to the merge (<see cref="DetectionEngine.MergePartition"/>): its account
/// profiles with metadata and evidence, its indicator index (document-frequency counters and posting lists) and its
/// stream counters, so that a partition scanned on one machine can be merged on another (the reduce step of the
/// cluster scan planned in docs/design/0006-cluster-plan.md). Exact: a partition written and read back merges to
/// bit-identical scores. Texts are written as UTF-16 code units or as their packed UTF-8, never re-encoded, so text with
/// unpaired surrogates survives. Only engines with a census (<see cref="DetectionEngine.UseCensus"/>) are written.
/// </summary>
/// <remarks>Layout: magic <c>DGP1</c>, census identity, stream counters, profiles, index (little-endian).</remarks>
public static class PartitionStateCodec
{
    private const uint Magic = 0x31504744; // "DGP1"

    /// <summary>Writes the state of <paramref name="partition"/>.</summary>
    /// <exception cref="InvalidOperationException">The engine has no census.</exception>
    public static byte[] Write(DetectionEngine partition)
    {
        var census = partition.Census ?? throw new InvalidOperationException("Only an engine with a census (UseCensus) is written.");
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            WriteCensusIdentity(w, census);
            w.Write(partition.ExchangeCount);
            w.Write(partition.StreamStartMs);
            w.Write(partition.StreamClockMs);
            w.Write(partition.AccountCount);
            foreach (var p in partition.Accounts) WriteProfile(w, p);
            partition.Indicators.WriteState(w);
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Reads a partition's state into a new engine with <paramref name="census"/> (the census the partition was scanned
    /// with), ready to be given to <see cref="DetectionEngine.MergePartition"/>.
    /// </summary>
    /// <param name="bytes">What <see cref="Write"/> produced.</param>
    /// <param name="census">The census of the whole log.</param>
    /// <param name="options">The engine options the partition was scanned with (posting cap and sketch widths must match).</param>
    /// <exception cref="InvalidDataException">Not a partition state, written with another census, or malformed.</exception>
    public static DetectionEngine Read(ReadOnlySpan<byte> bytes, LogCensus census, EngineOptions? options = null)
    {
        var engine = new DetectionEngine(options);
        engine.UseCensus(census);
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8);
        try
        {
            if (r.ReadUInt32() != Magic) throw new InvalidDataException("not a partition state (magic)");
            var (width, depth, exchanges, start) = (r.ReadInt32(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64());
            if (width != census.Width || depth != census.Depth || exchanges != census.Exchanges || start != census.StreamStartMs)
                throw new InvalidDataException("the partition was scanned with another census");
            long count = r.ReadInt64(), streamStart = r.ReadInt64(), clock = r.ReadInt64();
            int accounts = r.ReadInt32();
            if (accounts < 0) throw new InvalidDataException($"{accounts} accounts");
            for (int i = 0; i < accounts; i++) ReadProfile(r, engine);
            engine.Indicators.ReadState(r, accounts);
            engine.RestoreStream(count, streamStart, clock);
            if (stream.Position != stream.Length) throw new InvalidDataException($"{stream.Length - stream.Position} bytes after the state");
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("partition state: truncated", e);
        }
        return engine;
    }

    private static void WriteCensusIdentity(BinaryWriter w, LogCensus census)
    {
        w.Write(census.Width);
        w.Write(census.Depth);
        w.Write(census.Exchanges);
        w.Write(census.StreamStartMs);
    }

    private static void WriteProfile(BinaryWriter w, AccountProfile p)
    {
        WriteText(w, p.AccountId);
        WriteMetadata(w, p.Metadata);
        w.Write(p.OrgKey);
        w.Write(p.Exchanges);
        w.Write(p.FirstSeenMs);
        w.Write(p.LastSeenMs);
        w.Write(p.TokensIn);
        w.Write(p.TokensOut);
        w.Write(p.ReasoningTokens);
        w.Write(p.SingleTurn);
        w.Write(p.WithTools);
        w.Write(p.FreshToolTasks);
        w.Write(p.ReasoningResponses);
        w.Write(p.TemplateReuse);
        w.Write(p.NewModelExchanges);
        w.Write(p.ExtractionHits);
        w.Write(MemoryMarshal.AsBytes<float>(p.ScoreSum));
        w.Write(MemoryMarshal.AsBytes<int>(p.Hits));
        w.Write(p.GapMean);
        w.Write(p.GapM2);
        w.Write(p.GapCount);
        w.Write(MemoryMarshal.AsBytes<int>(p.Hours));
        w.Write((ReadOnlySpan<byte>)p.IpSketch);
        w.Write((ReadOnlySpan<byte>)p.NetworkSketch);
        w.Write((ReadOnlySpan<byte>)p.UserAgentSketch);
        w.Write(MemoryMarshal.AsBytes<ulong>(p.TemplateKeys));
        w.Write(MemoryMarshal.AsBytes<int>(p.TemplateCounts));
        w.Write(p.TemplateCount);
        w.Write(MemoryMarshal.AsBytes<ulong>(p.IndicatorKeys));
        w.Write(p.IndicatorCount);
        w.Write(p.Candidate);
        w.Write(p.OwnRisk);
        w.Write(p.OwnContent);
        w.Write(p.LinkStrength);
        w.Write(p.InfrastructureLink);
        w.Write(p.TemplateLink);
        w.Write(p.Risk);
        w.Write((int)p.Verdict);
        w.Write(p.FirstFlaggedAtMs);
        w.Write(p.FirstSuspiciousAtMs);
        w.Write(p.Evidence is not null);
        p.Evidence?.Write(w);
    }

    private static void ReadProfile(BinaryReader r, DetectionEngine engine)
    {
        string id = ReadText(r) ?? throw new InvalidDataException("a profile without an account id");
        var p = engine.AddRestoredProfile(id);
        p.Metadata = ReadMetadata(r);
        p.OrgKey = r.ReadUInt64();
        p.Exchanges = r.ReadInt32();
        p.FirstSeenMs = r.ReadInt64();
        p.LastSeenMs = r.ReadInt64();
        p.TokensIn = r.ReadInt64();
        p.TokensOut = r.ReadInt64();
        p.ReasoningTokens = r.ReadInt64();
        p.SingleTurn = r.ReadInt32();
        p.WithTools = r.ReadInt32();
        p.FreshToolTasks = r.ReadInt32();
        p.ReasoningResponses = r.ReadInt32();
        p.TemplateReuse = r.ReadInt32();
        p.NewModelExchanges = r.ReadInt32();
        p.ExtractionHits = r.ReadInt32();
        Fill(r, MemoryMarshal.AsBytes((Span<float>)p.ScoreSum));
        Fill(r, MemoryMarshal.AsBytes((Span<int>)p.Hits));
        p.GapMean = r.ReadDouble();
        p.GapM2 = r.ReadDouble();
        p.GapCount = r.ReadInt32();
        Fill(r, MemoryMarshal.AsBytes((Span<int>)p.Hours));
        Fill(r, p.IpSketch);
        Fill(r, p.NetworkSketch);
        Fill(r, p.UserAgentSketch);
        Fill(r, MemoryMarshal.AsBytes((Span<ulong>)p.TemplateKeys));
        Fill(r, MemoryMarshal.AsBytes((Span<int>)p.TemplateCounts));
        p.TemplateCount = r.ReadByte();
        Fill(r, MemoryMarshal.AsBytes((Span<ulong>)p.IndicatorKeys));
        p.IndicatorCount = r.ReadByte();
        if (p.TemplateCount > AccountProfile.TemplateSlots || p.IndicatorCount > AccountProfile.MaxIndicators)
            throw new InvalidDataException($"account '{id}': {p.TemplateCount} templates, {p.IndicatorCount} indicators");
        p.Candidate = r.ReadBoolean();
        p.OwnRisk = r.ReadSingle();
        p.OwnContent = r.ReadSingle();
        p.LinkStrength = r.ReadSingle();
        p.InfrastructureLink = r.ReadSingle();
        p.TemplateLink = r.ReadSingle();
        p.Risk = r.ReadSingle();
        p.Verdict = (Scoring.Verdict)r.ReadInt32();
        p.FirstFlaggedAtMs = r.ReadInt64();
        p.FirstSuspiciousAtMs = r.ReadInt64();
        p.Evidence = r.ReadBoolean() ? Evidence.Read(r) : null;
    }

    private static void Fill(BinaryReader r, Span<byte> destination)
    {
        if (r.Read(destination) != destination.Length) throw new EndOfStreamException();
    }

    private static void WriteMetadata(BinaryWriter w, AccountMetadata? m)
    {
        w.Write(m is not null);
        if (m is null) return;
        WriteText(w, m.AccountId);
        w.Write(m.CreatedAtMs.HasValue);
        w.Write(m.CreatedAtMs ?? 0);
        WriteText(w, m.OrgId);
        WriteText(w, m.EmailDomain);
        WriteText(w, m.PaymentFingerprint);
        WriteText(w, m.Tier);
        WriteText(w, m.Program);
        w.Write((sbyte)(m.Verified is null ? -1 : m.Verified.Value ? 1 : 0));
        WriteText(w, m.Country);
    }

    private static AccountMetadata? ReadMetadata(BinaryReader r)
    {
        if (!r.ReadBoolean()) return null;
        string id = ReadText(r) ?? throw new InvalidDataException("metadata without an account id");
        bool hasCreated = r.ReadBoolean();
        long created = r.ReadInt64();
        return new AccountMetadata(id, hasCreated ? created : null, ReadText(r), ReadText(r), ReadText(r), ReadText(r), ReadText(r),
            r.ReadSByte() switch { -1 => null, 0 => false, _ => true }, ReadText(r));
    }

    /// <summary>Writes a string as its UTF-16 code units (length −1 for null), so unpaired surrogates survive.</summary>
    internal static void WriteText(BinaryWriter w, string? text)
    {
        w.Write(text?.Length ?? -1);
        if (text is not null) w.Write(MemoryMarshal.AsBytes(text.AsSpan()));
    }

    /// <summary>Reads a string written by <see cref="WriteText"/>.</summary>
    internal static string? ReadText(BinaryReader r)
    {
        int length = r.ReadInt32();
        if (length < 0) return null;
        if (length > 1 << 24) throw new InvalidDataException($"text of {length} characters");
        return string.Create(length, r, static (chars, reader) => Fill(reader, MemoryMarshal.AsBytes(chars)));
    }

    /// <summary>Writes a text packed by <see cref="Text.CompactText"/> as it is: UTF-8 bytes, a string, or nothing.</summary>
    internal static void WritePacked(BinaryWriter w, object? packed)
    {
        switch (packed)
        {
            case null:
                w.Write((byte)0);
                break;
            case byte[] utf8:
                w.Write((byte)1);
                w.Write(utf8.Length);
                w.Write(utf8);
                break;
            case string text:
                w.Write((byte)2);
                WriteText(w, text);
                break;
            default:
                throw new ArgumentException($"not a packed text: {packed.GetType()}", nameof(packed));
        }
    }

    /// <summary>Reads a packed text written by <see cref="WritePacked"/>.</summary>
    internal static object? ReadPacked(BinaryReader r)
    {
        switch (r.ReadByte())
        {
            case 0:
                return null;
            case 1:
                int length = r.ReadInt32();
                if (length < 0 || length > 1 << 24) throw new InvalidDataException($"packed text of {length} bytes");
                var bytes = r.ReadBytes(length);
                if (bytes.Length != length) throw new EndOfStreamException();
                return bytes;
            case 2:
                return ReadText(r) ?? throw new InvalidDataException("a packed text that is null");
            case var kind:
                throw new InvalidDataException($"packed text of kind {kind}");
        }
    }
}
