namespace DistillGuard.Core.Signals;

/// <summary>
/// Every stable reason code DistillGuard emits. Codes never change meaning; new ones are added. Each is documented
/// in docs/detection.md (what it catches, why, source).
/// </summary>
public static class ReasonCodes
{
    // Per-exchange signals.
    /// <summary>The request asks the model to reveal, reconstruct or write out its internal or step-by-step reasoning.</summary>
    public const string CotElicitation = "COT_ELICITATION";
    /// <summary>The request asks for new tasks, instructions, Q&amp;A pairs or dialogues, or evol-style rewrites.</summary>
    public const string SyntheticData = "SYNTHETIC_DATA";
    /// <summary>The request is a grading, rubric or pairwise-comparison prompt.</summary>
    public const string JudgePrompt = "JUDGE_PROMPT";
    /// <summary>Fresh agentic tasks with tool definitions that are swept or templated.</summary>
    public const string ToolTraceHarvest = "TOOL_TRACE_HARVEST";
    /// <summary>Requests for many log-probabilities or many samples at high temperature.</summary>
    public const string LogprobHarvest = "LOGPROB_HARVEST";
    /// <summary>A reasoning signature issued to one account is replayed by another.</summary>
    public const string ReasoningReplay = "REASONING_REPLAY";
    /// <summary>Text addressed to a reviewer or classifier asking not to be flagged.</summary>
    public const string ClassifierEvasion = "CLASSIFIER_EVASION";
    /// <summary>The prompt holds an item of a public benchmark or instruction dataset.</summary>
    public const string DatasetSweep = "DATASET_SWEEP";

    // Behaviour (per account).
    /// <summary>Activity spread over the whole day (hour-of-day entropy close to its maximum).</summary>
    public const string AroundTheClock = "AROUND_THE_CLOCK";
    /// <summary>Inter-arrival times regular enough for a script (low coefficient of variation).</summary>
    public const string ScriptedTiming = "SCRIPTED_TIMING";
    /// <summary>Most exchanges reuse one of a few prompt templates (near-duplicate skeletons by MinHash).</summary>
    public const string TemplateReuse = "TEMPLATE_REUSE";
    /// <summary>Almost every exchange is a fresh single-turn request.</summary>
    public const string SingleTurn = "SINGLE_TURN";
    /// <summary>A large share of output tokens are reasoning tokens.</summary>
    public const string ReasoningHarvest = "REASONING_TOKEN_SHARE";
    /// <summary>Traffic moved to a newly appearing model soon after its first sighting.</summary>
    public const string NewModelPivot = "NEW_MODEL_PIVOT";
    /// <summary>High request volume per active day.</summary>
    public const string HighVolume = "HIGH_VOLUME";
    /// <summary>The account was created shortly before its activity began.</summary>
    public const string NewAccount = "NEW_ACCOUNT";

    // Infrastructure (per account).
    /// <summary>The account's payment fingerprint is shared with other accounts.</summary>
    public const string SharedPayment = "SHARED_PAYMENT";
    /// <summary>The account registered with a disposable e-mail domain.</summary>
    public const string DisposableEmail = "DISPOSABLE_EMAIL";
    /// <summary>Requests arrive from many networks (/24s), as through a rotating proxy pool.</summary>
    public const string IpRotation = "IP_ROTATION";
    /// <summary>The account shares rare network indicators (IP, /24) with other suspicious accounts.</summary>
    public const string SharedInfrastructure = "SHARED_INFRASTRUCTURE";
    /// <summary>The account was created in a burst of accounts on the same e-mail domain.</summary>
    public const string CreationBurst = "CREATION_BURST";

    // Coordination.
    /// <summary>The account belongs to a campaign whose score lifts its own.</summary>
    public const string CampaignMember = "CAMPAIGN_MEMBER";
    /// <summary>The campaign's accounts share prompt templates.</summary>
    public const string SharedTemplates = "SHARED_TEMPLATES";
    /// <summary>The campaign's accounts start, stop and cycle through the day together.</summary>
    public const string LockstepTiming = "LOCKSTEP_TIMING";
}
