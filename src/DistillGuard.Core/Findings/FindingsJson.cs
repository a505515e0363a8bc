using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistillGuard.Core.Findings;

/// <summary>Reads and writes findings documents (indented UTF-8 JSON, source-generated serializer).</summary>
public static class FindingsJson
{
    // Relaxed escaping keeps non-ASCII text (Chinese, Russian excerpts) readable instead of \u-escaped; the output
    // is JSON, never embedded in HTML (the report encodes separately).
    private static readonly FindingsJsonContext Context = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Writes <paramref name="doc"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, FindingsDocument doc) => JsonSerializer.Serialize(stream, doc, Context.FindingsDocument);

    /// <summary><paramref name="doc"/> as UTF-8 JSON bytes (what <see cref="Write(Stream, FindingsDocument)"/> writes).</summary>
    public static byte[] ToUtf8Bytes(FindingsDocument doc) => JsonSerializer.SerializeToUtf8Bytes(doc, Context.FindingsDocument);

    /// <summary>Writes <paramref name="doc"/> to the file at <paramref name="path"/>.</summary>
    public static void Write(string path, FindingsDocument doc)
    {
        using var s = File.Create(path);
        Write(s, doc);
    }

    /// <summary>Reads a findings document.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a findings document of a supported schema.</exception>
    public static FindingsDocument Read(Stream stream) => Checked(() => JsonSerializer.Deserialize(stream, Context.FindingsDocument));

    /// <summary>Reads a findings document from UTF-8 JSON bytes (<see cref="ToUtf8Bytes"/>).</summary>
    /// <exception cref="InvalidDataException">The JSON is not a findings document of a supported schema.</exception>
    public static FindingsDocument Read(byte[] utf8) => Checked(() => JsonSerializer.Deserialize(utf8, Context.FindingsDocument));

    private static FindingsDocument Checked(Func<FindingsDocument?> deserialize)
    {
        FindingsDocument? doc;
        try
        {
            doc = deserialize();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not a findings document: {e.Message}", e);
        }
        if (doc is null) throw new InvalidDataException("not a findings document: the file holds null");
        if (doc.Schema != FindingsDocument.SchemaId)
            throw new InvalidDataException($"findings schema \"{doc.Schema}\" is not supported (expected \"{FindingsDocument.SchemaId}\")");
        return doc;
    }

    /// <summary>Reads the findings document at <paramref name="path"/>.</summary>
    public static FindingsDocument Read(string path)
    {
        using var s = File.OpenRead(path);
        return Read(s);
    }
}

/// <summary>Source-generated JSON metadata for findings.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FindingsDocument))]
public sealed partial class FindingsJsonContext : JsonSerializerContext;
