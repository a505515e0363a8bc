namespace DistillGuard.Reports.Tests.Exports;

/// <summary>Checks that an export holds none of the prompts that were sent.</summary>
internal static class Leaks
{
    /// <summary>Window of prompt text (characters) whose presence in an export counts as a leak.</summary>
    public const int Window = 32;

    public static void AssertNone(string export)
    {
        Assert.DoesNotContain(CampaignFindings.LeakedEmail, export);
        Assert.DoesNotContain("Maria Gonzalez", export);
        Assert.DoesNotMatch(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", export);
        foreach (var prompt in CampaignFindings.Prompts)
        {
            var flat = prompt.ReplaceLineEndings(" ");
            for (int i = 0; i + Window <= flat.Length; i += Window)
            {
                var window = flat.Substring(i, Window);
                Assert.False(export.Contains(window, StringComparison.Ordinal), $"prompt text leaked: \"{window}\"");
            }
        }
    }
}
