using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Analysis;

/// <summary>What <see cref="ExchangeAnalyzer"/> found in one exchange. Reused between exchanges; copy what must outlive the next call.</summary>
public sealed class ExchangeAnalysis
{
    /// <summary>Most template keys per exchange: system prompt, tool set and <see cref="ExchangeAnalyzer.Bands"/> MinHash bands.</summary>
    public const int MaxTemplateKeys = 2 + ExchangeAnalyzer.Bands;

    /// <summary>Score per signal, 0–1, indexed by <see cref="SignalKind"/>.</summary>
    public float[] Scores { get; } = new float[SignalKinds.Count];

    /// <summary>Template keys (see <see cref="Indicators.IndicatorKey"/>); the first <see cref="TemplateKeyCount"/> are valid.</summary>
    public ulong[] TemplateKeys { get; } = new ulong[MaxTemplateKeys];

    /// <summary>Number of valid <see cref="TemplateKeys"/>.</summary>
    public int TemplateKeyCount { get; internal set; }

    /// <summary>Whether the system prompt contains a public template (its key must not link accounts).</summary>
    public bool SystemIsPublic { get; internal set; }

    /// <summary>Whether the newest user message contains a public template (its frame keys must not link accounts).</summary>
    public bool FrameIsPublic { get; internal set; }

    /// <summary>Whether template key <paramref name="i"/> comes from a public template.</summary>
    public bool IsPublicKey(int i)
    {
        var kind = Indicators.IndicatorKey.KindOf(TemplateKeys[i]);
        return (kind == Indicators.IndicatorKind.SystemTemplate && SystemIsPublic) || (kind == Indicators.IndicatorKind.PromptTemplate && FrameIsPublic);
    }

    /// <summary>Dataset matched by the reference index, or null.</summary>
    public string? ReferenceDataset { get; internal set; }

    /// <summary>Reference anchors matched (0 when <see cref="ReferenceDataset"/> is null).</summary>
    public int ReferenceHits { get; internal set; }

    /// <summary>Input tokens: reported usage, else estimated at 4 characters per token.</summary>
    public int InputTokens { get; internal set; }

    /// <summary>Characters of prompt text (system and user) in the request.</summary>
    public int PromptChars { get; internal set; }

    /// <summary>The strongest extraction signal (every signal but <see cref="SignalKind.DatasetSweep"/>).</summary>
    public SignalKind TopSignal { get; internal set; }

    /// <summary>Score of <see cref="TopSignal"/>, 0–1.</summary>
    public float TopScore { get; internal set; }

    /// <summary>Whether any extraction signal reached <see cref="SignalKinds.HitThreshold"/>.</summary>
    public bool IsExtractionHit => TopScore >= SignalKinds.HitThreshold;

    internal void Finish()
    {
        TopScore = 0;
        TopSignal = SignalKind.CotElicitation;
        for (int i = 0; i < SignalKinds.Count; i++)
        {
            var kind = (SignalKind)i;
            if (!kind.IsExtraction()) continue;
            if (Scores[i] > TopScore) { TopScore = Scores[i]; TopSignal = kind; }
        }
    }
}
