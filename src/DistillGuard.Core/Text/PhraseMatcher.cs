using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DistillGuard.Core.Text;

/// <summary>A phrase found in normalised text.</summary>
/// <param name="PatternId">Index of the pattern in the list the matcher was built from.</param>
/// <param name="Start">Offset of the first matched character.</param>
/// <param name="End">Offset one past the last matched character.</param>
public readonly record struct PhraseHit(int PatternId, int Start, int End);

/// <summary>
/// Multi-pattern matcher over normalised text: an Aho–Corasick automaton (Aho and Corasick, "Efficient string
/// matching: an aid to bibliographic search", CACM 18(6), 1975) compiled to a full transition table over the
/// alphabet of the patterns. Matching is one linear pass with no backtracking, so no input can make it slow (ReDoS-safe).
/// </summary>
/// <remarks>
/// Patterns are given in normalised form (see <see cref="TextNormalizer"/>). A pattern that starts (ends) with a word
/// character only matches at a word boundary; a trailing <c>*</c> marks a stem and lifts the end-boundary check, so
/// <c>рассуждени*</c> matches every case ending. Instances are immutable and thread-safe.
/// </remarks>
public sealed class PhraseMatcher
{
    private readonly ushort[] _symbol = new ushort[65536];
    private readonly int _alphabet;
    private readonly ushort[] _delta;
    private readonly int[] _outStart;
    private readonly int _firstOutputState; // states are numbered so that exactly those ≥ this one have outputs
    private readonly int[] _outList;
    private readonly int[] _length;
    private readonly int _maxLength;
    private readonly bool[] _startBoundary;
    private readonly bool[] _endBoundary;

    /// <summary>Number of patterns.</summary>
    public int PatternCount => _length.Length;

    /// <summary>Number of automaton states.</summary>
    public int StateCount { get; }

    /// <summary>Builds the automaton.</summary>
    /// <param name="patterns">Normalised patterns; a trailing <c>*</c> marks a stem.</param>
    /// <exception cref="ArgumentException">A pattern is empty, or the automaton would exceed 65,535 states.</exception>
    public PhraseMatcher(IReadOnlyList<string> patterns)
    {
        int n = patterns.Count;
        _length = new int[n];
        _startBoundary = new bool[n];
        _endBoundary = new bool[n];
        var bodies = new string[n];
        for (int i = 0; i < n; i++)
        {
            var p = patterns[i];
            bool stem = p.EndsWith('*');
            var body = stem ? p[..^1] : p;
            if (body.Length == 0) throw new ArgumentException($"Pattern {i} is empty.", nameof(patterns));
            bodies[i] = body;
            _length[i] = body.Length;
            _startBoundary[i] = WordChars.IsWordChar(body[0]);
            _endBoundary[i] = !stem && WordChars.IsWordChar(body[^1]);
        }

        int a = 0;
        foreach (var body in bodies)
            foreach (var c in body)
                if (_symbol[c] == 0) _symbol[c] = (ushort)++a;
        _alphabet = a + 1;

        // Trie.
        var next = new List<Dictionary<ushort, int>> { new() };
        var outputs = new List<List<int>> { new() };
        for (int i = 0; i < n; i++)
        {
            int s = 0;
            foreach (var c in bodies[i])
            {
                var sym = _symbol[c];
                if (!next[s].TryGetValue(sym, out var t))
                {
                    t = next.Count;
                    next.Add(new());
                    outputs.Add(new());
                    next[s][sym] = t;
                }
                s = t;
            }
            outputs[s].Add(i);
        }
        StateCount = next.Count;
        _maxLength = n == 0 ? 0 : _length.Max();
        if (StateCount > ushort.MaxValue) throw new ArgumentException("Too many patterns: the automaton exceeds 65,535 states.", nameof(patterns));

        // Breadth-first failure links, compiled into a full transition table.
        var table = new ushort[StateCount * _alphabet];
        var fail = new int[StateCount];
        var queue = new Queue<int>();
        for (int sym = 1; sym < _alphabet; sym++)
        {
            if (next[0].TryGetValue((ushort)sym, out var t)) { table[sym] = (ushort)t; fail[t] = 0; queue.Enqueue(t); }
        }
        while (queue.Count > 0)
        {
            int s = queue.Dequeue();
            outputs[s].AddRange(outputs[fail[s]]);
            for (int sym = 1; sym < _alphabet; sym++)
            {
                if (next[s].TryGetValue((ushort)sym, out var t))
                {
                    fail[t] = table[fail[s] * _alphabet + sym];
                    table[s * _alphabet + sym] = (ushort)t;
                    queue.Enqueue(t);
                }
                else table[s * _alphabet + sym] = table[fail[s] * _alphabet + sym];
            }
        }

        // Renumber the states so that those with outputs come last: the matching loop then tests one comparison per
        // character instead of loading the output range. The root (no outputs) stays state 0.
        var order = Enumerable.Range(0, StateCount).Where(st => outputs[st].Count == 0)
            .Concat(Enumerable.Range(0, StateCount).Where(st => outputs[st].Count > 0)).ToArray();
        var renumbered = new int[StateCount];
        for (int i = 0; i < order.Length; i++) renumbered[order[i]] = i;
        _firstOutputState = Enumerable.Range(0, StateCount).Count(st => outputs[st].Count == 0);
        _delta = new ushort[table.Length];
        for (int st = 0; st < StateCount; st++)
            for (int sym = 0; sym < _alphabet; sym++)
                _delta[renumbered[st] * _alphabet + sym] = (ushort)renumbered[table[st * _alphabet + sym]];

        _outStart = new int[StateCount + 1];
        var flat = new List<int>();
        for (int i = 0; i < StateCount; i++)
        {
            _outStart[i] = flat.Count;
            flat.AddRange(outputs[order[i]].Distinct());
        }
        _outStart[StateCount] = flat.Count;
        _outList = flat.ToArray();
    }

    /// <summary>Texts at least this long are matched in two interleaved lanes.</summary>
    internal const int TwoLaneMinimum = 256;

    /// <summary>Finds every pattern occurrence in <paramref name="text"/>, honouring word boundaries.</summary>
    /// <param name="text">Normalised text.</param>
    /// <param name="hits">Receives hits in order of their end offset; extra hits beyond its length are dropped. Entries
    /// past the returned count are left as they were, or cleared.</param>
    /// <returns>Number of hits written.</returns>
    /// <remarks>
    /// A long text is matched in two lanes advanced together, so that the two chains of dependent table loads overlap:
    /// lane A runs the automaton over <c>[0, max(mid + L − 1, end − mid))</c> and lane B, from the root, over
    /// <c>[mid, end)</c>, where L is the longest pattern. An occurrence ending within A's range lies wholly in it and A reports it; one ending
    /// beyond it starts at or after <c>mid</c> and B reports it (B reports nothing else). The hits are the same, in the
    /// same order, as one pass gives; A's hits fill <paramref name="hits"/> from the front and B's from the back, and
    /// when they meet, B's latest hit gives way, so the hits dropped are those one pass would drop.
    /// </remarks>
    public int Match(ReadOnlySpan<char> text, Span<PhraseHit> hits)
    {
        if (text.Length < Math.Max(TwoLaneMinimum, 4 * _maxLength) || hits.Length < 2) return MatchOneLane(text, hits);
        int mid = text.Length / 2, aEnd = Math.Max(mid + _maxLength - 1, text.Length - mid);
        int cap = hits.Length, a = 0, b = 0;
        int stateA = 0, stateB = 0;
        ref ushort delta = ref MemoryMarshal.GetArrayDataReference(_delta);
        ref ushort symbol = ref MemoryMarshal.GetArrayDataReference(_symbol);
        ref char chars = ref MemoryMarshal.GetReference(text);
        int alphabet = _alphabet, firstOutput = _firstOutputState;
        int together = text.Length - mid; // ≤ aEnd: lane A then finishes alone
        for (int k = 0; k < together; k++)
        {
            stateA = Unsafe.Add(ref delta, stateA * alphabet + Unsafe.Add(ref symbol, Unsafe.Add(ref chars, k)));
            stateB = Unsafe.Add(ref delta, stateB * alphabet + Unsafe.Add(ref symbol, Unsafe.Add(ref chars, mid + k)));
            if (stateA >= firstOutput && !EmitFront(text, stateA, k + 1, hits, ref a, ref b)) return cap;
            if (stateB >= firstOutput && mid + k + 1 > aEnd) EmitBack(text, stateB, mid + k + 1, hits, a, ref b);
        }
        for (int k = together; k < aEnd; k++)
        {
            stateA = Unsafe.Add(ref delta, stateA * alphabet + Unsafe.Add(ref symbol, Unsafe.Add(ref chars, k)));
            if (stateA >= firstOutput && !EmitFront(text, stateA, k + 1, hits, ref a, ref b)) return cap;
        }
        // B's hits, stored from the back in reverse, follow A's in end order; what B left beyond them is cleared, so
        // nothing past the returned count is written (as with one pass).
        hits[(cap - b)..].Reverse();
        hits[(cap - b)..].CopyTo(hits[a..]);
        hits[Math.Max(a + b, cap - b)..].Clear();
        return a + b;
    }

    /// <summary>One pass over the whole text (what <see cref="Match"/> does for short texts, and what its two lanes must equal).</summary>
    internal int MatchOneLane(ReadOnlySpan<char> text, Span<PhraseHit> hits)
    {
        int state = 0, count = 0;
        // The transition loop reads the tables without bounds checks: symbols are < alphabet by construction, and
        // every entry of the transition table is a state < StateCount.
        ref ushort delta = ref MemoryMarshal.GetArrayDataReference(_delta);
        ref ushort symbol = ref MemoryMarshal.GetArrayDataReference(_symbol);
        ref char chars = ref MemoryMarshal.GetReference(text);
        int alphabet = _alphabet, firstOutput = _firstOutputState;
        for (int i = 0; i < text.Length; i++)
        {
            state = Unsafe.Add(ref delta, state * alphabet + Unsafe.Add(ref symbol, Unsafe.Add(ref chars, i)));
            if (state < firstOutput) continue;
            int o = _outStart[state], oe = _outStart[state + 1];
            for (; o < oe; o++)
            {
                int p = _outList[o];
                if (!Accept(text, p, i + 1, out var hit)) continue;
                if (count == hits.Length) return count;
                hits[count++] = hit;
            }
        }
        return count;
    }

    /// <summary>Whether pattern <paramref name="p"/> ending at <paramref name="end"/> satisfies its word boundaries.</summary>
    private bool Accept(ReadOnlySpan<char> text, int p, int end, out PhraseHit hit)
    {
        int start = end - _length[p];
        hit = new PhraseHit(p, start, end);
        if (_startBoundary[p] && start > 0 && WordChars.IsWordChar(text[start - 1])) return false;
        if (_endBoundary[p] && end < text.Length && WordChars.IsWordChar(text[end])) return false;
        return true;
    }

    /// <summary>Lane A's outputs at <paramref name="end"/>, written from the front; false once the hits are full of A's alone.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool EmitFront(ReadOnlySpan<char> text, int state, int end, Span<PhraseHit> hits, ref int a, ref int b)
    {
        for (int o = _outStart[state], oe = _outStart[state + 1]; o < oe; o++)
        {
            if (!Accept(text, _outList[o], end, out var hit)) continue;
            if (a == hits.Length) return false;
            if (a + b == hits.Length) b--; // B's latest hit gives way: one pass would have dropped it
            hits[a++] = hit;
        }
        return true;
    }

    /// <summary>Lane B's outputs at <paramref name="end"/>, written from the back while there is room.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EmitBack(ReadOnlySpan<char> text, int state, int end, Span<PhraseHit> hits, int a, ref int b)
    {
        for (int o = _outStart[state], oe = _outStart[state + 1]; o < oe; o++)
        {
            if (!Accept(text, _outList[o], end, out var hit)) continue;
            if (a + b == hits.Length) return;
            hits[hits.Length - 1 - b++] = hit;
        }
    }
}
