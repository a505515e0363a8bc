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

    /// <summary>Which rows of a corpus feed the public-template index.</summary>
    public enum TemplateRows { All, TemplatesOnly, SystemField, TemplatesAndSystem }

    /// <summary>The public prompt templates: corpus file → which rows (the index behind "public templates link nobody").</summary>
    public static readonly (string File, TemplateRows Rows)[] PublicTemplateCorpora =
    [
        ("reasoning_cot_templates.jsonl.gz", TemplateRows.All),
        ("mtbench_judge_templates.jsonl.gz", TemplateRows.TemplatesAndSystem),
        ("alpaca_eval_judge.jsonl.gz", TemplateRows.TemplatesAndSystem),
        ("arena_hard_judge.jsonl.gz", TemplateRows.TemplatesAndSystem),
        ("prometheus_judge.jsonl.gz", TemplateRows.TemplatesOnly),
        ("ultrafeedback_templates.jsonl.gz", TemplateRows.All),
        ("toolbench.jsonl.gz", TemplateRows.TemplatesOnly),
        ("toolalpaca.jsonl.gz", TemplateRows.TemplatesOnly),
        ("wizardlm_evol.jsonl.gz", TemplateRows.TemplatesOnly),
        ("alpaca_seed.jsonl.gz", TemplateRows.TemplatesOnly),
        ("codealpaca.jsonl.gz", TemplateRows.TemplatesOnly),
        ("synthgen_templates_magicoder.jsonl.gz", TemplateRows.All),
        ("mmlu_flan_cot_fewshot.jsonl.gz", TemplateRows.All),
        ("flan_cot.jsonl.gz", TemplateRows.TemplatesOnly),
        ("bbh_cot_prompts.jsonl.gz", TemplateRows.TemplatesOnly),
        ("gptfuzz_jailbreak.jsonl.gz", TemplateRows.TemplatesOnly),
        ("selfreminder_jailbreak.jsonl.gz", TemplateRows.All),
        ("awesome_chatgpt_prompts.jsonl.gz", TemplateRows.All),
    ];

    public static Command Create()
    {
        var corpora = new Option<string>("--corpora") { Description = "Folder of gzipped JSONL corpora with a \"text\" field", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Folder for reference-index.bin and public-templates.bin", Required = true };
        var build = new Command("build", "Build the dataset index and the public-template index from the built-in corpus lists") { corpora, output };
        build.SetAction(result =>
        {
            var dir = result.GetValue(corpora)!;
            var outDir = result.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            var datasets = new ReferenceIndexBuilder();
            foreach (var (file, dataset) in BuiltInDatasets)
            {
                int added = 0;
                foreach (var (row, isTemplate) in Rows(Path.Combine(dir, file)))
                    if (!isTemplate && Text(row, "text") is { } text && datasets.Add(dataset, text)) added++;
                Console.WriteLine($"dataset  {dataset,-26} {added,7:N0} items");
            }
            Save(datasets.Build(), Path.Combine(outDir, "reference-index.bin"));

            var templates = new ReferenceIndexBuilder();
            foreach (var (file, rows) in PublicTemplateCorpora)
            {
                string name = "template:" + file.Split('.')[0];
                int added = 0;
                foreach (var (row, isTemplate) in Rows(Path.Combine(dir, file)))
                {
                    bool takeText = rows == TemplateRows.All || (isTemplate && rows is TemplateRows.TemplatesOnly or TemplateRows.TemplatesAndSystem);
                    if (takeText && Text(row, "text") is { } text && templates.Add(name, text, template: true)) added++;
                    if (rows is TemplateRows.SystemField or TemplateRows.TemplatesAndSystem && Text(row, "system") is { } system && templates.Add(name, system, template: true)) added++;
                }
                Console.WriteLine($"template {name,-26} {added,7:N0} items");
            }
            Save(templates.Build(), Path.Combine(outDir, "public-templates.bin"));
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
        return new Command("reference", "Reference datasets for DATASET_SWEEP and public templates") { build, info };
    }

    private static IEnumerable<(JsonElement Row, bool IsTemplate)> Rows(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: corpus not found");
        foreach (var line in ReferenceLoader.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement.Clone();
            bool template = root.TryGetProperty("template", out var t) && (t.ValueKind == JsonValueKind.True || (t.ValueKind == JsonValueKind.String && t.GetString() == "True"));
            yield return (root, template);
        }
    }

    private static string? Text(JsonElement row, string field) =>
        row.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()) ? v.GetString() : null;

    private static void Save(ReferenceIndex index, string path)
    {
        using (var s = File.Create(path)) index.Save(s);
        Console.WriteLine($"{path}: {index.ItemCount:N0} items, {index.AnchorCount:N0} anchors, {new FileInfo(path).Length:N0} bytes");
    }
}
