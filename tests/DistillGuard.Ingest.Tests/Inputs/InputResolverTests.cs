using DistillGuard.Ingest.Inputs;

namespace DistillGuard.Ingest.Tests.Inputs;

public sealed class InputResolverTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dg-inputs-").FullName;

    public InputResolverTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "2026", "03"));
        File.WriteAllText(Path.Combine(_dir, "2026", "03", "b.jsonl"), "");
        File.WriteAllText(Path.Combine(_dir, "2026", "03", "a.jsonl.gz"), "");
        File.WriteAllText(Path.Combine(_dir, "2026", "notes.txt"), "");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Directories_are_searched_recursively_for_logs_in_sorted_order()
    {
        var sources = InputResolver.Resolve([_dir]);
        Assert.Equal(["a.jsonl.gz", "b.jsonl"], sources.Select(s => Path.GetFileName(s.Name)));
    }

    [Fact]
    public void Globs_expand_and_duplicates_are_read_once()
    {
        var sources = InputResolver.Resolve([Path.Combine(_dir, "2026", "**", "*.jsonl"), Path.Combine(_dir, "2026", "03", "b.jsonl")]);
        Assert.Single(sources);
    }

    [Theory]
    [InlineData("missing.jsonl", "no such file")]
    [InlineData("*.nothing", "matches no files")]
    public void Missing_inputs_are_usage_errors(string input, string message)
    {
        var e = Assert.Throws<InputNotFoundException>(() => InputResolver.Resolve([Path.Combine(_dir, input)]));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Standard_input_is_allowed_once() =>
        Assert.Throws<InputNotFoundException>(() => InputResolver.Resolve(["-", "-"]));
}
