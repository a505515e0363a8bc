namespace DistillGuard.Simulation.Corpora;

/// <summary>A tool definition taken from a corpus (name, description, JSON-schema parameters as raw JSON).</summary>
/// <param name="Name">Function name.</param>
/// <param name="Description">Description.</param>
/// <param name="ParametersJson">JSON schema of the parameters.</param>
public sealed record ToolDef(string Name, string Description, string ParametersJson);

/// <summary>One content item: a prompt text, optional further user turns, system prompt and tools.</summary>
/// <param name="Text">The first user prompt (or the template/system text for such rows).</param>
/// <param name="UserTurns">All user turns of the conversation, when the corpus has them.</param>
/// <param name="System">System prompt carried by the row, or null.</param>
/// <param name="Tools">Tool definitions carried by the row, or null.</param>
public sealed record PoolItem(string Text, IReadOnlyList<string>? UserTurns, string? System, IReadOnlyList<ToolDef>? Tools);

/// <summary>A named list of items drawn uniformly.</summary>
public sealed class ContentPool(string name, IReadOnlyList<PoolItem> items)
{
    /// <summary>Pool name.</summary>
    public string Name { get; } = name;

    /// <summary>Items.</summary>
    public IReadOnlyList<PoolItem> Items { get; } = items;

    /// <summary>A uniformly drawn item.</summary>
    public PoolItem Draw(Random r) => Items[r.Next(Items.Count)];
}
