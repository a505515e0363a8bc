using System.IO.Compression;
using System.Text.Json;
using DistillGuard.Core.Reference;

namespace DistillGuard.Cli.Scanning;

/// <summary>
/// Loads <c>--reference</c> files: a prebuilt index (gzip binary from <c>distillguard reference build</c>) or JSON Lines
/// with <c>text</c> and an optional <c>dataset</c> name (default: the file name), merged with the built-in index.
/// </summary>
internal static class ReferenceLoader
{
    /// <summary>The built-in index merged with every file given.</summary>
    /// <exception cref="InvalidDataException">A file is neither a reference index nor JSONL with <c>text</c>.</exception>
    public static ReferenceIndex Load(IReadOnlyList<string> files, Action<string> warn)
    {
        var builtIn = ReferenceIndex.LoadBuiltIn();
        if (files.Count == 0) return builtIn;
        var parts = new List<ReferenceIndex> { builtIn };
        foreach (var file in files) parts.Add(LoadOne(file, warn));
        return ReferenceIndex.Merge(parts.ToArray());
    }

    private static ReferenceIndex LoadOne(string file, Action<string> warn)
    {
        using (var probe = File.OpenRead(file))
        {
            if (IsPrebuilt(probe))
            {
                probe.Position = 0;
                return ReferenceIndex.Load(probe);
            }
        }
        var builder = new ReferenceIndexBuilder();
        string fallback = Path.GetFileName(file).Split('.')[0];
        long line = 0, bad = 0;
        foreach (var text in ReadLines(file))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (!doc.RootElement.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
                {
                    bad++;
                    warn($"{file}:{line}: text: a string with the dataset item (line skipped)");
                    continue;
                }
                string dataset = doc.RootElement.TryGetProperty("dataset", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : fallback;
                builder.Add(dataset, t.GetString()!);
            }
            catch (JsonException e)
            {
                bad++;
                warn($"{file}:{line}: (line): valid JSON ({e.Message.Split(" Path:")[0]}) (line skipped)");
            }
        }
        if (builder.ItemCount == 0) throw new InvalidDataException($"{file}: no dataset items (expected a reference index or JSON Lines with a \"text\" field)");
        return builder.Build();
    }

    private static bool IsPrebuilt(Stream s)
    {
        Span<byte> head = stackalloc byte[2];
        if (s.Read(head) < 2 || head[0] != 0x1f || head[1] != 0x8b) return false;
        s.Position = 0;
        try
        {
            using var gz = new GZipStream(s, CompressionMode.Decompress, leaveOpen: true);
            Span<byte> magic = stackalloc byte[4];
            return gz.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && BitConverter.ToUInt32(magic) == 0x49524744;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    internal static IEnumerable<string> ReadLines(string file)
    {
        using var raw = File.OpenRead(file);
        var head = new byte[2];
        bool gz = raw.Read(head, 0, 2) == 2 && head[0] == 0x1f && head[1] == 0x8b;
        raw.Position = 0;
        using Stream content = gz ? new GZipStream(raw, CompressionMode.Decompress) : raw;
        using var reader = new StreamReader(content);
        string? l;
        while ((l = reader.ReadLine()) is not null) yield return l;
    }
}
