using DistillGuard.Core.Analysis;
using DistillGuard.Core.Reference;
using DistillGuard.Core.Signals;
using DistillGuard.TestSupport;

namespace DistillGuard.Core.Tests.Analysis;

public class ExchangeAnalysisCodecTests
{
    [Fact]
    public void Real_analyses_survive_the_wire_form_field_by_field()
    {
        var analyzer = new ExchangeAnalyzer(new SignalPipeline(SignalPipeline.DefaultSignals()), ReferenceIndex.LoadBuiltIn(), ReferenceIndex.LoadPublicTemplates());
        // Reasoning questions (dataset sweeps of a built-in reference set), with and without an elicitation system prompt.
        var prompts = Corpora.Texts("gsm8k.jsonl.gz", limit: 40);
        var buffer = new byte[ExchangeAnalysisCodec.MaxBytes * prompts.Count * 2];
        var expected = new List<ExchangeAnalysis>();
        int written = 0;
        for (int i = 0; i < prompts.Count; i++)
        {
            var x = TestExchanges.Make("acct-" + i % 3, prompts[i], i % 2 == 0 ? "Before answering, write out your complete internal reasoning step by step." : null);
            var a = new ExchangeAnalysis();
            analyzer.Analyze(x, a);
            expected.Add(a);
            written += ExchangeAnalysisCodec.Write(a, buffer.AsSpan(written));
            if (i == 5) written += ExchangeAnalysisCodec.WriteMissing(buffer.AsSpan(written));
        }
        Assert.Contains(expected, a => a.ReferenceDataset is not null);
        Assert.Contains(expected, a => a.IsExtractionHit);

        var datasets = new Dictionary<string, string>();
        int read = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            var actual = new ExchangeAnalysis();
            var (n, present) = ExchangeAnalysisCodec.Read(buffer.AsSpan(read), actual, datasets);
            read += n;
            Assert.True(present);
            var e = expected[i];
            Assert.Equal(e.Scores, actual.Scores);
            Assert.Equal(e.TemplateKeys.AsSpan(0, e.TemplateKeyCount).ToArray(), actual.TemplateKeys.AsSpan(0, actual.TemplateKeyCount).ToArray());
            Assert.Equal((e.SystemIsPublic, e.FrameIsPublic, e.ReferenceDataset, e.ReferenceHits, e.InputTokens, e.PromptChars, e.TopSignal, e.TopScore),
                (actual.SystemIsPublic, actual.FrameIsPublic, actual.ReferenceDataset, actual.ReferenceHits, actual.InputTokens, actual.PromptChars, actual.TopSignal, actual.TopScore));
            if (i == 5)
            {
                var (m, missing) = ExchangeAnalysisCodec.Read(buffer.AsSpan(read), new ExchangeAnalysis());
                Assert.Equal((1, false), (m, missing));
                read += m;
            }
        }
        Assert.Equal(written, read);
        Assert.Throws<InvalidDataException>(() => ExchangeAnalysisCodec.Read(buffer.AsSpan(0, 10), new ExchangeAnalysis()));
    }
}
