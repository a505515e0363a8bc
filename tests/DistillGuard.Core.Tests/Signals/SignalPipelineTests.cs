using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Tests.Signals;

public class SignalPipelineTests
{
    [Fact]
    public void Default_set_has_one_detector_per_reason_code()
    {
        var signals = SignalPipeline.DefaultSignals();
        Assert.Equal(SignalKinds.Count, signals.Length);
        Assert.Equal(SignalKinds.All.OrderBy(k => k), signals.Select(s => s.Kind).OrderBy(k => k));
        Assert.Equal(SignalKinds.Count, SignalKinds.All.Select(k => k.Code()).Distinct().Count());
    }

    [Fact]
    public void Two_detectors_for_one_kind_are_rejected() =>
        Assert.Throws<ArgumentException>(() => new SignalPipeline([new CotElicitationSignal(), new CotElicitationSignal()]));

    [Fact]
    public void Every_lexicon_phrase_survives_normalisation()
    {
        // Building the pipeline normalises and compiles every phrase; an empty phrase would throw.
        var pipeline = new SignalPipeline(SignalPipeline.DefaultSignals());
        Assert.Equal(SignalKinds.Count, pipeline.Signals.Count);
    }
}
