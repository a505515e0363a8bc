using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace DistillGuard.Core.Text;

/// <summary>
/// Text kept for a long time in engine state (evidence excerpts, exchange ids, display texts of indicators), packed as
/// UTF-8: about half the bytes of a .NET string for the mostly ASCII text involved. Text with unpaired surrogates, which
/// UTF-8 cannot carry (an excerpt cut inside a pair), is kept as the string itself, so unpacking always returns the
/// original text.
/// </summary>
internal static class CompactText
{
    /// <summary>Packs <paramref name="text"/>: a UTF-8 <see cref="byte"/> array, the string itself, or null.</summary>
    public static object? Pack(string? text)
    {
        if (text is null) return null;
        if (Ascii.IsValid(text))
        {
            var ascii = new byte[text.Length];
            Ascii.FromUtf16(text, ascii, out _);
            return ascii;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            return Utf8.FromUtf16(text, buffer, out _, out int written, replaceInvalidSequences: false) == OperationStatus.Done
                ? buffer.AsSpan(0, written).ToArray()
                : text;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The text packed by <see cref="Pack"/> (a new string for UTF-8).</summary>
    public static string? Unpack(object? packed) => packed switch
    {
        byte[] utf8 => Encoding.UTF8.GetString(utf8),
        string text => text,
        _ => null,
    };

    /// <summary>Heap bytes of a packed text, headers included (64-bit runtime).</summary>
    public static long SizeBytes(object? packed) => packed switch
    {
        byte[] utf8 => 24 + utf8.Length,
        string text => 22 + 2L * text.Length,
        _ => 0,
    };
}
