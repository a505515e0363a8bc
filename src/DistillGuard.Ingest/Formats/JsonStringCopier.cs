using System.Text;
using System.Text.Json;

namespace DistillGuard.Ingest.Formats;

/// <summary>
/// Copies the current JSON string token into UTF-16 without the rented, cleared scratch buffer that
/// <see cref="Utf8JsonReader.CopyString(Span{char})"/> uses for escaped strings (most prompts contain <c>\n</c>): escapes
/// are decoded straight into the destination, as RFC 8259 §7 defines them. Anything unusual (a lone surrogate escape)
/// is left to <see cref="Utf8JsonReader.CopyString(Span{char})"/>, so the result is always the same as its.
/// </summary>
public static class JsonStringCopier
{
    /// <summary>Copies the string token <paramref name="r"/> is on into <paramref name="destination"/>; returns the characters written.</summary>
    /// <param name="r">A reader positioned on a <see cref="JsonTokenType.String"/> or <see cref="JsonTokenType.PropertyName"/>.</param>
    /// <param name="destination">At least <c>r.ValueSpan.Length</c> characters (a string never has more characters than bytes).</param>
    /// <exception cref="InvalidOperationException">As <see cref="Utf8JsonReader.CopyString(Span{char})"/>: the token is not a string, or it is invalid UTF-16 once unescaped.</exception>
    /// <exception cref="ArgumentException">As <see cref="Utf8JsonReader.CopyString(Span{char})"/>: <paramref name="destination"/> is too small.</exception>
    public static int Copy(ref Utf8JsonReader r, Span<char> destination)
    {
        if (r.HasValueSequence || r.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) return r.CopyString(destination);
        var source = r.ValueSpan;
        if (!r.ValueIsEscaped) return Encoding.UTF8.GetChars(source, destination);
        int written = TryUnescape(source, destination);
        return written >= 0 ? written : r.CopyString(destination);
    }

    /// <summary>Decodes escaped UTF-8 JSON string content; returns the characters written, or -1 to defer to the reader.</summary>
    internal static int TryUnescape(ReadOnlySpan<byte> source, Span<char> destination)
    {
        int w = 0;
        while (true)
        {
            int slash = source.IndexOf((byte)'\\');
            var run = slash < 0 ? source : source[..slash];
            if (!run.IsEmpty)
            {
                if (run.Length > destination.Length - w) return -1;
                w += Encoding.UTF8.GetChars(run, destination[w..]);
            }
            if (slash < 0) return w;
            source = source[(slash + 1)..];
            if (source.IsEmpty || w >= destination.Length) return -1;
            char c;
            switch (source[0])
            {
                case (byte)'"': c = '"'; break;
                case (byte)'\\': c = '\\'; break;
                case (byte)'/': c = '/'; break;
                case (byte)'b': c = '\b'; break;
                case (byte)'f': c = '\f'; break;
                case (byte)'n': c = '\n'; break;
                case (byte)'r': c = '\r'; break;
                case (byte)'t': c = '\t'; break;
                case (byte)'u':
                    if (!TryHex4(source, 1, out c)) return -1;
                    if (char.IsHighSurrogate(c))
                    {
                        // Must be followed by an escaped low surrogate; anything else goes to the reader (which rejects it).
                        if (source.Length < 11 || source[5] != '\\' || source[6] != 'u' || !TryHex4(source, 7, out char low) || !char.IsLowSurrogate(low)) return -1;
                        if (w + 2 > destination.Length) return -1;
                        destination[w++] = c;
                        destination[w++] = low;
                        source = source[11..];
                        continue;
                    }
                    if (char.IsLowSurrogate(c)) return -1;
                    destination[w++] = c;
                    source = source[5..];
                    continue;
                default:
                    return -1;
            }
            destination[w++] = c;
            source = source[1..];
        }
    }

    private static bool TryHex4(ReadOnlySpan<byte> s, int at, out char c)
    {
        c = '\0';
        if (s.Length < at + 4) return false;
        int v = 0;
        for (int i = at; i < at + 4; i++)
        {
            int d = s[i] switch
            {
                >= (byte)'0' and <= (byte)'9' => s[i] - '0',
                >= (byte)'a' and <= (byte)'f' => s[i] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => s[i] - 'A' + 10,
                _ => -1,
            };
            if (d < 0) return false;
            v = v * 16 + d;
        }
        c = (char)v;
        return true;
    }
}
