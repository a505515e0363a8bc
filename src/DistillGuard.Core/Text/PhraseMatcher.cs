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

    /// <summary>Finds every pattern occurrence in <paramref name="text"/>, honouring word boundaries.</summary>
    /// <param name="text">Normalised text.</param>
    /// <param name="hits">Receives hits in order of their end offset; extra hits beyond its length are dropped.</param>
    /// <returns>Number of hits written.</returns>
    public int Match(ReadOnlySpan<char> text, Span<PhraseHit> hits)
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
                int end = i + 1, start = end - _length[p];
                if (_startBoundary[p] && start > 0 && WordChars.IsWordChar(text[start - 1])) continue;
                if (_endBoundary[p] && end < text.Length && WordChars.IsWordChar(text[end])) continue;
                if (count == hits.Length) return count;
                hits[count++] = new PhraseHit(p, start, end);
            }
        }
        return count;
    }
}
