namespace DistillGuard.Simulation.Scenarios;

/// <summary>
/// An adversary-emulation scenario: who sends traffic (personas with counts, accounts, activity, infrastructure,
/// request shapes and content), over which period, from which corpora. Scenarios are data (JSON files in
/// <c>scenarios/</c>, documented in docs/simulate.md); the detector never reads them.
/// </summary>
public sealed record Scenario
{
    /// <summary>Scenario name.</summary>
    public string Name { get; init; } = "";
    /// <summary>What it emulates.</summary>
    public string? Description { get; init; }
    /// <summary>Default random seed (overridden by <c>--seed</c>).</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Start of the simulated period (UTC).</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    /// <summary>Length of the period in days.</summary>
    public double Days { get; init; } = 7;
    /// <summary>Models served; a model with a release day appears on that day.</summary>
    public List<ModelSpec> Models { get; init; } = new();
    /// <summary>Content pools drawn from corpora, by name.</summary>
    public Dictionary<string, PoolSpec> Pools { get; init; } = new();
    /// <summary>Prompt templates, by name (used by the simulator only).</summary>
    public Dictionary<string, TemplateSpec> Templates { get; init; } = new();
    /// <summary>Follow-up user turns for multi-turn sessions when the pool item has no further turns.</summary>
    public List<string> Followups { get; init; } = new();
    /// <summary>Personas: benign user groups and attack campaigns.</summary>
    public List<PersonaSpec> Personas { get; init; } = new();
}

/// <summary>A model the provider serves.</summary>
public sealed record ModelSpec
{
    /// <summary>Model name as sent in requests.</summary>
    public string Name { get; init; } = "";
    /// <summary>Day (from the scenario start) the model is released; 0 = available from the start.</summary>
    public double ReleaseDay { get; init; }
    /// <summary>Whether it is a reasoning model (responses carry reasoning tokens).</summary>
    public bool Reasoning { get; init; } = true;
}

/// <summary>A pool of content items read from one corpus file.</summary>
public sealed record PoolSpec
{
    /// <summary>Corpus file name in the corpora folder (gzipped JSONL).</summary>
    public string Corpus { get; init; } = "";
    /// <summary>Field holding the text (default <c>text</c>).</summary>
    public string Field { get; init; } = "text";
    /// <summary>Keep only rows whose fields equal these values (string comparison).</summary>
    public Dictionary<string, string>? Where { get; init; }
    /// <summary>True: template rows only; false: template rows excluded; null: all rows.</summary>
    public bool? TemplateRows { get; init; } = false;
    /// <summary>Longest text kept, in characters (longer texts are cut).</summary>
    public int MaxChars { get; init; } = 6000;
    /// <summary>Most items kept (first rows).</summary>
    public int? Limit { get; init; }
}

/// <summary>A prompt template: a system prompt and user-message variants with <c>{item}</c> (the pool text) and <c>{n}</c> (a count).</summary>
public sealed record TemplateSpec
{
    /// <summary>System prompt, or null.</summary>
    public string? System { get; init; }
    /// <summary>User-message variants; one is drawn per exchange (paraphrases).</summary>
    public List<string> User { get; init; } = ["{item}"];
    /// <summary>Range of <c>{n}</c>.</summary>
    public ValueRange Count { get; init; } = new(5, 20);
}

/// <summary>One persona: a benign user group or an attack campaign.</summary>
public sealed record PersonaSpec
{
    /// <summary>Persona name (written to labels).</summary>
    public string Name { get; init; } = "";
    /// <summary><c>benign</c> or <c>attack</c>.</summary>
    public string Label { get; init; } = "benign";
    /// <summary>Campaign name for attack personas.</summary>
    public string? Campaign { get; init; }
    /// <summary>Number of accounts.</summary>
    public int Accounts { get; init; } = 1;
    /// <summary>Exchanges per account (log-uniform), for per-account activity patterns.</summary>
    public ValueRange ExchangesPerAccount { get; init; } = new(10, 10);
    /// <summary>Total exchanges of the persona, for <c>round_robin</c> (shared) activity.</summary>
    public long Exchanges { get; init; }
    /// <summary>Account properties.</summary>
    public AccountSpec Account { get; init; } = new();
    /// <summary>When and how often accounts send requests.</summary>
    public ActivitySpec Activity { get; init; } = new();
    /// <summary>Where requests come from.</summary>
    public NetworkSpec Network { get; init; } = new();
    /// <summary>User agents (one per account, drawn uniformly).</summary>
    public List<string> UserAgents { get; init; } = ["python-requests/2.32.3"];
    /// <summary>Request shapes.</summary>
    public RequestSpec Request { get; init; } = new();
    /// <summary>Main content, drawn by weight.</summary>
    public List<ContentSpec> Content { get; init; } = new();
    /// <summary>Alternative content mixed in with a share (relayed benign traffic, benign filler).</summary>
    public List<MixSpec> Mix { get; init; } = new();
    /// <summary>Multi-turn sessions and tool loops.</summary>
    public SessionSpec Session { get; init; } = new();
    /// <summary>Move traffic to a newly released model.</summary>
    public PivotSpec? Pivot { get; init; }
    /// <summary>Replay reasoning signatures issued to another campaign's accounts.</summary>
    public ReplaySpec? Replay { get; init; }
}

/// <summary>Account properties of a persona.</summary>
public sealed record AccountSpec
{
    /// <summary>Prefix of account ids.</summary>
    public string IdPrefix { get; init; } = "acct";
    /// <summary>Account age at the scenario start, in days.</summary>
    public ValueRange AgeDays { get; init; } = new(30, 900);
    /// <summary>When set, all accounts are created within this many hours (a creation burst) shortly before their activity.</summary>
    public double? CreatedWithinHours { get; init; }
    /// <summary>Registration e-mail domains (drawn uniformly); <c>{org}</c> is replaced by the account's organisation, for companies with their own domain.</summary>
    public List<string> EmailDomains { get; init; } = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me"];
    /// <summary><c>unique</c>, <c>shared</c> (drawn from a pool of <see cref="PaymentPool"/> fingerprints) or <c>none</c>.</summary>
    public string Payment { get; init; } = "unique";
    /// <summary>Fingerprints shared by the persona's accounts when <see cref="Payment"/> is <c>shared</c>.</summary>
    public int PaymentPool { get; init; } = 1;
    /// <summary>Access programmes with probabilities (education, startup, research, …).</summary>
    public Dictionary<string, double> Programs { get; init; } = new();
    /// <summary>Billing tiers with probabilities.</summary>
    public Dictionary<string, double> Tiers { get; init; } = new() { ["pay_as_you_go"] = 1 };
    /// <summary>Share of accounts that passed verification.</summary>
    public double Verified { get; init; } = 0.9;
    /// <summary>Accounts per organisation (1 = one org per account).</summary>
    public int OrgGroupSize { get; init; } = 1;
    /// <summary>Countries (drawn uniformly); reports only.</summary>
    public List<string> Countries { get; init; } = ["US"];
}

/// <summary>Activity pattern of a persona.</summary>
public sealed record ActivitySpec
{
    /// <summary><c>diurnal</c> (people), <c>always_on</c> (scripts, 24/7), <c>bursty</c> (evaluation sweeps), <c>round_robin</c> (one stream load-balanced over the accounts).</summary>
    public string Pattern { get; init; } = "diurnal";
    /// <summary>UTC offsets of the accounts' time zones (drawn per account).</summary>
    public List<double> Timezones { get; init; } = [0];
    /// <summary>Local active hours [from, to) for diurnal and bursty patterns.</summary>
    public ValueRange ActiveHours { get; init; } = new(8, 23);
    /// <summary>Relative activity on Saturdays and Sundays.</summary>
    public double Weekend { get; init; } = 1.0;
    /// <summary>Relative activity outside active hours.</summary>
    public double Night { get; init; } = 0.03;
    /// <summary>Gamma shape of inter-arrival gaps for always_on and round_robin (1 = Poisson, larger = more regular).</summary>
    public double GapShape { get; init; } = 1.0;
    /// <summary>Requests per burst (bursty).</summary>
    public ValueRange BurstSize { get; init; } = new(20, 200);
    /// <summary>Seconds between requests in a burst.</summary>
    public ValueRange BurstGapSeconds { get; init; } = new(0.5, 3);
    /// <summary>First and last active day of the persona (fractions of the period allowed; default the whole period).</summary>
    public ValueRange? Window { get; init; }
    /// <summary>round_robin: <c>rotate</c> (strict rotation) or <c>random</c>.</summary>
    public string Assignment { get; init; } = "rotate";
}

/// <summary>Network origin of a persona's requests.</summary>
public sealed record NetworkSpec
{
    /// <summary><c>residential</c> (own IP per account), <c>office_nat</c> (groups share one IP), <c>campus_nat</c> (everyone shares a few IPs), <c>datacenter</c> (cloud /24s), <c>proxy_pool</c> (a shared pool of exit IPs).</summary>
    public string Kind { get; init; } = "residential";
    /// <summary>Accounts per NAT (office_nat).</summary>
    public int GroupSize { get; init; } = 8;
    /// <summary>Exit IPs in the pool (campus_nat, proxy_pool, datacenter).</summary>
    public int PoolSize { get; init; } = 1;
    /// <summary>/24 networks the pool spans.</summary>
    public int Networks { get; init; } = 1;
    /// <summary>Exit IPs each account uses (proxy_pool, datacenter).</summary>
    public int IpsPerAccount { get; init; } = 1;
    /// <summary>datacenter: false gives each account its own /24 (a company's own cloud range) instead of a pool shared by the persona.</summary>
    public bool Shared { get; init; } = true;
    /// <summary>Per-exchange probability of a one-off different IP (mobile, travel).</summary>
    public double Rotate { get; init; }
}

/// <summary>Request shapes of a persona.</summary>
public sealed record RequestSpec
{
    /// <summary>API format probabilities: <c>openai</c>, <c>anthropic</c>.</summary>
    public Dictionary<string, double> Format { get; init; } = new() { ["openai"] = 1 };
    /// <summary>Model probabilities among released models (default: uniform over released models).</summary>
    public Dictionary<string, double>? Models { get; init; }
    /// <summary>Probability of asking for reasoning (reasoning_effort high, or Anthropic extended thinking).</summary>
    public double Reasoning { get; init; } = 0.3;
    /// <summary>Reasoning tokens of responses that reason.</summary>
    public ValueRange ReasoningTokens { get; init; } = new(200, 2000);
    /// <summary>Visible output tokens.</summary>
    public ValueRange OutputTokens { get; init; } = new(80, 900);
    /// <summary>Probability that the response exposes reasoning text (reasoning_content or thinking blocks) when it reasons.</summary>
    public double ExposeReasoning { get; init; } = 1.0;
    /// <summary>Log-probability requests.</summary>
    public LogprobSpec? Logprobs { get; init; }
    /// <summary>Several completions per request.</summary>
    public ChoicesSpec? Choices { get; init; }
    /// <summary>Temperature.</summary>
    public ValueRange Temperature { get; init; } = new(0.2, 1.0);
    /// <summary>Probability of offering tools.</summary>
    public double Tools { get; init; }
    /// <summary>Where tool definitions come from: a pool name whose items carry tools/functions, or <c>ide</c> for a coding agent's fixed tool set.</summary>
    public string? ToolSource { get; init; }
}

/// <summary>Log-probability requests.</summary>
public sealed record LogprobSpec
{
    /// <summary>Probability per request.</summary>
    public double Probability { get; init; } = 1;
    /// <summary>top_logprobs.</summary>
    public ValueRange Top { get; init; } = new(5, 5);
}

/// <summary>Several completions per request.</summary>
public sealed record ChoicesSpec
{
    /// <summary>Probability per request.</summary>
    public double Probability { get; init; } = 1;
    /// <summary>n.</summary>
    public ValueRange N { get; init; } = new(4, 8);
    /// <summary>Temperature when sampling several.</summary>
    public ValueRange Temperature { get; init; } = new(0.9, 1.2);
}

/// <summary>One content source: a pool, optionally wrapped in a template, optionally with a sticky per-account system prompt.</summary>
public sealed record ContentSpec
{
    /// <summary>Relative weight.</summary>
    public double Weight { get; init; } = 1;
    /// <summary>Pool of items.</summary>
    public string Pool { get; init; } = "";
    /// <summary>Template name, or null for the raw item.</summary>
    public string? Template { get; init; }
    /// <summary>Pool whose items become the account's fixed system prompt (templated app backends).</summary>
    public string? SystemPool { get; init; }
}

/// <summary>Alternative content mixed in with a share of exchanges.</summary>
public sealed record MixSpec
{
    /// <summary>Share of exchanges, 0–1.</summary>
    public double Share { get; init; }
    /// <summary>What those exchanges carry.</summary>
    public List<ContentSpec> Content { get; init; } = new();
}

/// <summary>Multi-turn sessions.</summary>
public sealed record SessionSpec
{
    /// <summary>Turns (exchanges) per session.</summary>
    public ValueRange Turns { get; init; } = new(1, 1);
    /// <summary>Seconds between turns.</summary>
    public ValueRange ThinkSeconds { get; init; } = new(20, 240);
    /// <summary>Whether turns after the first are tool-use steps (assistant tool call, then a tool result).</summary>
    public bool ToolLoop { get; init; }
}

/// <summary>Pivot to a newly released model.</summary>
public sealed record PivotSpec
{
    /// <summary>Model to pivot to.</summary>
    public string Model { get; init; } = "";
    /// <summary>Share of traffic moved once pivoted.</summary>
    public double Share { get; init; } = 0.5;
    /// <summary>Hours after the release before the pivot.</summary>
    public double DelayHours { get; init; } = 12;
}

/// <summary>Replay of reasoning signatures issued to another campaign's accounts.</summary>
public sealed record ReplaySpec
{
    /// <summary>Share of exchanges that replay.</summary>
    public double Share { get; init; } = 0.5;
    /// <summary>Campaign whose issued signatures are replayed.</summary>
    public string SourceCampaign { get; init; } = "";
}
