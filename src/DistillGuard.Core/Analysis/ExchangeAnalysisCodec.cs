using System.Buffers.Binary;
using System.Text;
using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Analysis;

/// <summary>
/// A compact binary form of an <see cref="ExchangeAnalysis"/>, for hosts that analyse exchanges on one machine and
/// run the engine on another (the cluster's analysis workers). Little-endian:
/// <c>flags:u8 · scores:f32×8 · key_count:u8 · keys:u64×key_count · reference_hits:i32 · input_tokens:i32 ·
/// prompt_chars:i32 · top_signal:u8 · top_score:f32 · dataset_length:u16 · dataset_utf8</c>.
/// Flags: bit 0 system prompt is public, bit 1 frame is public, bit 7 "no analysis" (the line did not parse).
/// </summary>
public static class ExchangeAnalysisCodec
{
    /// <summary>Most bytes one analysis takes.</summary>
    public const int MaxBytes = 1 + 4 * SignalKinds.Count + 1 + 8 * ExchangeAnalysis.MaxTemplateKeys + 4 * 3 + 1 + 4 + 2 + MaxDatasetBytes;

    /// <summary>Longest reference dataset name, in UTF-8 bytes.</summary>
    public const int MaxDatasetBytes = 1024;

    private const byte SystemPublic = 1, FramePublic = 2, Missing = 0x80;

    /// <summary>Writes <paramref name="a"/>; returns the bytes written.</summary>
    /// <param name="a">The analysis.</param>
    /// <param name="destination">At least <see cref="MaxBytes"/> bytes.</param>
    /// <exception cref="ArgumentException">The reference dataset's name is longer than <see cref="MaxDatasetBytes"/>.</exception>
    public static int Write(ExchangeAnalysis a, Span<byte> destination)
    {
        int pos = 0;
        destination[pos++] = (byte)((a.SystemIsPublic ? SystemPublic : 0) | (a.FrameIsPublic ? FramePublic : 0));
        foreach (var s in a.Scores) { BinaryPrimitives.WriteSingleLittleEndian(destination[pos..], s); pos += 4; }
        destination[pos++] = (byte)a.TemplateKeyCount;
        for (int i = 0; i < a.TemplateKeyCount; i++) { BinaryPrimitives.WriteUInt64LittleEndian(destination[pos..], a.TemplateKeys[i]); pos += 8; }
        BinaryPrimitives.WriteInt32LittleEndian(destination[pos..], a.ReferenceHits); pos += 4;
        BinaryPrimitives.WriteInt32LittleEndian(destination[pos..], a.InputTokens); pos += 4;
        BinaryPrimitives.WriteInt32LittleEndian(destination[pos..], a.PromptChars); pos += 4;
        destination[pos++] = (byte)a.TopSignal;
        BinaryPrimitives.WriteSingleLittleEndian(destination[pos..], a.TopScore); pos += 4;
        int len = a.ReferenceDataset is null ? 0 : Encoding.UTF8.GetByteCount(a.ReferenceDataset);
        if (len > MaxDatasetBytes) throw new ArgumentException($"reference dataset name longer than {MaxDatasetBytes} bytes", nameof(a));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[pos..], (ushort)len);
        pos += 2;
        if (len > 0) Encoding.UTF8.GetBytes(a.ReferenceDataset, destination[pos..]);
        return pos + len;
    }

    /// <summary>Writes the marker of a line that has no analysis (it did not parse); returns 1.</summary>
    public static int WriteMissing(Span<byte> destination)
    {
        destination[0] = Missing;
        return 1;
    }

    /// <summary>Reads one analysis into <paramref name="a"/>; returns the bytes read, and whether there was an analysis.</summary>
    /// <param name="source">The encoded analyses, positioned at one.</param>
    /// <param name="a">Receives the analysis.</param>
    /// <param name="datasets">Interns dataset names (a handful per reference index) so reading allocates nothing per exchange.</param>
    /// <exception cref="InvalidDataException">The bytes are cut short or inconsistent.</exception>
    public static (int Read, bool Present) Read(ReadOnlySpan<byte> source, ExchangeAnalysis a, Dictionary<string, string>? datasets = null)
    {
        try
        {
            int pos = 0;
            byte flags = source[pos++];
            if ((flags & Missing) != 0) return (1, false);
            a.SystemIsPublic = (flags & SystemPublic) != 0;
            a.FrameIsPublic = (flags & FramePublic) != 0;
            for (int i = 0; i < SignalKinds.Count; i++) { a.Scores[i] = BinaryPrimitives.ReadSingleLittleEndian(source[pos..]); pos += 4; }
            int keys = source[pos++];
            if (keys > ExchangeAnalysis.MaxTemplateKeys) throw new InvalidDataException($"analysis: {keys} template keys, at most {ExchangeAnalysis.MaxTemplateKeys}");
            a.TemplateKeyCount = keys;
            for (int i = 0; i < keys; i++) { a.TemplateKeys[i] = BinaryPrimitives.ReadUInt64LittleEndian(source[pos..]); pos += 8; }
            a.ReferenceHits = BinaryPrimitives.ReadInt32LittleEndian(source[pos..]); pos += 4;
            a.InputTokens = BinaryPrimitives.ReadInt32LittleEndian(source[pos..]); pos += 4;
            a.PromptChars = BinaryPrimitives.ReadInt32LittleEndian(source[pos..]); pos += 4;
            a.TopSignal = (SignalKind)source[pos++];
            a.TopScore = BinaryPrimitives.ReadSingleLittleEndian(source[pos..]); pos += 4;
            int len = BinaryPrimitives.ReadUInt16LittleEndian(source[pos..]);
            pos += 2;
            if (len == 0) a.ReferenceDataset = null;
            else
            {
                var name = Encoding.UTF8.GetString(source.Slice(pos, len));
                if (datasets is not null)
                {
                    if (datasets.TryGetValue(name, out var interned)) name = interned;
                    else datasets[name] = name;
                }
                a.ReferenceDataset = name;
            }
            return (pos + len, true);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException("analysis: cut short", e);
        }
    }
}
