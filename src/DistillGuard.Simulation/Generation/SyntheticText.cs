using System.Text;

namespace DistillGuard.Simulation.Generation;

/// <summary>Placeholder model output: plausible-looking English of a requested length (responses are not analysed by the detector; only their usage and reasoning fields are).</summary>
public static class SyntheticText
{
    private static readonly string[] Words =
    (
        "the a an of to and in that is for it as with was on be by this are or from at which have not but we can these " +
        "first next then finally result value step case we consider therefore so answer check equation function data model " +
        "approach because since given note example follows total number set each both another method solution problem term " +
        "assume compute derive simplify result holds means implies consider verify list table output input return call use"
    ).Split(' ');

    /// <summary>About <paramref name="chars"/> characters of filler text.</summary>
    public static string Make(Random r, int chars, string? opening = null)
    {
        var sb = new StringBuilder(chars + 16);
        if (opening is not null) sb.Append(opening).Append(' ');
        bool capital = opening is null;
        while (sb.Length < chars)
        {
            var w = Words[r.Next(Words.Length)];
            if (capital) { sb.Append(char.ToUpperInvariant(w[0])).Append(w, 1, w.Length - 1); capital = false; }
            else sb.Append(w);
            if (r.Next(12) == 0) { sb.Append(". "); capital = true; }
            else sb.Append(' ');
        }
        return sb.ToString().TrimEnd() + ".";
    }
}
