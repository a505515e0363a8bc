using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Signals;
using DistillGuard.TestSupport;
using static DistillGuard.Core.Tests.SignalHarness;

namespace DistillGuard.Core.Tests.Signals;

public class StructuralSignalTests
{
    [Theory]
    [InlineData(20, 1, float.NaN, true)]
    [InlineData(10, 1, float.NaN, true)]
    [InlineData(0, 8, 1.0f, true)]
    [InlineData(5, 1, 0f, false)]   // an evaluation harness scoring multiple choice
    [InlineData(0, 8, 0.2f, false)] // several cold samples
    [InlineData(0, 1, 1.0f, false)]
    public void Logprob_harvest_by_request_shape(int topLogprobs, int n, float temperature, bool hit)
    {
        var x = TestExchanges.Make("a", "Explain photosynthesis.", configure: e =>
        {
            e.Logprobs = topLogprobs > 0;
            e.TopLogprobs = topLogprobs;
            e.Choices = n;
            e.Temperature = temperature;
        });
        Assert.Equal(hit, Score(SignalKind.LogprobHarvest, x) >= SignalKinds.HitThreshold);
    }

    private static Exchange ToolTask(string task, bool continuation, string? system = null) => TestExchanges.Make("a", task, system, configure: e =>
    {
        e.ToolCount = 4;
        e.ToolSetHash = 42;
        if (continuation)
        {
            e.AssistantTurns = 3;
            e.ToolResultTurns = 3;
            e.AddSegment(MessageRole.Tool, 2, "file contents ...");
        }
    });

    [Fact]
    public void A_swept_tool_task_from_a_public_dataset_is_a_hit()
    {
        // A BFCL task verbatim with tools and no history: a sweep of the tool-use benchmark.
        var task = Corpora.Texts("bfcl_v4.jsonl.gz", limit: 50).First(t => t.Length > 60);
        Assert.True(Score(SignalKind.ToolTraceHarvest, ToolTask(task, continuation: false)) >= SignalKinds.HitThreshold);
    }

    [Fact]
    public void A_request_for_the_full_trajectory_is_a_hit() =>
        Assert.True(Score(SignalKind.ToolTraceHarvest, ToolTask("Book me a table for two.", false,
            "Before each tool call explain your reasoning, then summarise the full trajectory.")) >= SignalKinds.HitThreshold);

    [Fact]
    public void A_coding_agents_ongoing_session_is_not_a_hit() =>
        Assert.Equal(0f, Score(SignalKind.ToolTraceHarvest, ToolTask("Fix the failing test in handler.py", continuation: true)));

    [Fact]
    public void A_single_fresh_task_with_tools_is_weak() =>
        Assert.Equal(ToolTraceHarvestSignal.FreshTaskScore, Score(SignalKind.ToolTraceHarvest, ToolTask("What's the weather in Paris tomorrow?", false)), 3);

    [Fact]
    public void Replay_scores_only_signatures_issued_to_other_accounts()
    {
        var x = TestExchanges.Make("a", "continue");
        Assert.True(Score(SignalKind.ReasoningReplay, x, replayedFromOther: 1) >= SignalKinds.HitThreshold);
        Assert.Equal(0f, Score(SignalKind.ReasoningReplay, x, replayedFromOther: 0));
    }

    [Fact]
    public void Dataset_items_are_found_verbatim_and_inside_templates()
    {
        var question = Corpora.Texts("gsm8k.jsonl.gz", limit: 5)[3];
        Assert.Equal("gsm8k", Analyze(TestExchanges.Make("a", question)).ReferenceDataset);
        Assert.Equal("gsm8k", Analyze(TestExchanges.Make("a", "Solve the following problem. Show every step.\n\nProblem: " + question + "\nAnswer:")).ReferenceDataset);
        Assert.True(Score(SignalKind.DatasetSweep, question) >= SignalKinds.HitThreshold);
        Assert.False(SignalKind.DatasetSweep.IsExtraction());
    }

    [Fact]
    public void Ordinary_chat_rarely_matches_a_dataset()
    {
        var chat = Corpora.Texts("sharegpt_sample.jsonl.gz", limit: 1000);
        Assert.True(HitRate(SignalKind.DatasetSweep, chat) < 0.01, $"{HitRate(SignalKind.DatasetSweep, chat):P2}");
    }
}
