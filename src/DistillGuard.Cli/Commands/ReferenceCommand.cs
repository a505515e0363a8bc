using System.CommandLine;
using System.Text.Json;
using DistillGuard.Cli.Scanning;
using DistillGuard.Core.Reference;

namespace DistillGuard.Cli.Commands;

/// <summary>
/// <c>distillguard reference build|info</c>: builds the compact reference index behind <c>DATASET_SWEEP</c> from public
/// benchmark and instruction datasets (the built-in index is built this way from ../shared/data/corpora), or
/// describes an index.
/// </summary>
internal static class ReferenceCommand
{
    /// <summary>The datasets of the built-in index: corpus file → dataset name (template rows are skipped).</summary>
    public static readonly (string File, string Dataset)[] BuiltInDatasets =
    [
        ("gsm8k.jsonl.gz", "gsm8k"),
        ("math_benchmarks.jsonl.gz", "math_benchmarks"),
        ("humaneval.jsonl.gz", "humaneval"),
        ("mbppplus.jsonl.gz", "mbpp"),
        ("bbh_cot_prompts.jsonl.gz", "bbh"),
        ("mtbench_questions.jsonl.gz", "mt_bench"),
        ("alpaca_eval_instructions.jsonl.gz", "alpaca_eval"),
        ("arena_hard_prompts.jsonl.gz", "arena_hard"),
        ("self_instruct_seed.jsonl.gz", "self_instruct"),
        ("alpaca_seed.jsonl.gz", "alpaca_seed"),
        ("wizardlm_evol.jsonl.gz", "wizardlm_testset"),
        ("bfcl_v4.jsonl.gz", "bfcl"),
        ("toolbench.jsonl.gz", "toolbench"),
        ("gorilla_apibench.jsonl.gz", "apibench"),
        ("cyberseceval_code_instruct.jsonl.gz", "cyberseceval_instruct"),
    ];

    public static Command Create()
    {
        var corpora = new Option<string>("--corpora") { Description = "Folder of gzipped JSONL corpora with a \"text\" field", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Index file to write", Required = true };
        var build = new Command("build", "Build the reference index from the built-in list of public datasets") { corpora, output };
        build.SetAction(result =>
        {
            var dir = result.GetValue(corpora)!;
            var builder = new ReferenceIndexBuilder();
            foreach (var (file, dataset) in BuiltInDatasets)
            {
                var path = Path.Combine(dir, file);
                if (!File.Exists(path))
                {
                    Console.Error.WriteLine($"error: {path}: corpus not found");
                    return ExitCodes.Usage;
                }
                int added = 0;
                foreach (var line in ReferenceLoader.ReadLines(path))
                {
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    using var doc = JsonDocument.Parse(line);
                    var root = doc.RootElement;
                    if (root.TryGetProperty("template", out var t) && t.ValueKind == JsonValueKind.True) continue;
                    if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String) continue;
                    if (builder.Add(dataset, text.GetString()!)) added++;
                }
                Console.WriteLine($"{dataset,-24} {added,7:N0} items");
            }
            var index = builder.Build();
            using (var s = File.Create(result.GetValue(output)!)) index.Save(s);
            Console.WriteLine($"{index.ItemCount:N0} items, {index.AnchorCount:N0} anchors, {new FileInfo(result.GetValue(output)!).Length:N0} bytes");
            return ExitCodes.Ok;
        });

        var file = new Argument<string>("FILE") { Description = "Index file (omit for the built-in index)", Arity = ArgumentArity.ZeroOrOne };
        var info = new Command("info", "Describe a reference index") { file };
        info.SetAction(result =>
        {
            var path = result.GetValue(file);
            ReferenceIndex index;
            try
            {
                if (path is null) index = ReferenceIndex.LoadBuiltIn();
                else using (var s = File.OpenRead(path)) index = ReferenceIndex.Load(s);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            Console.WriteLine($"{index.ItemCount:N0} items, {index.AnchorCount:N0} anchors, {index.SizeBytes:N0} bytes in memory");
            Console.WriteLine("datasets: " + string.Join(", ", index.Datasets));
            return ExitCodes.Ok;
        });
        return new Command("reference", "Reference datasets for DATASET_SWEEP") { build, info };
    }
}
