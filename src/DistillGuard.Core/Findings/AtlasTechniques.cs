namespace DistillGuard.Core.Findings;

/// <summary>The MITRE ATLAS techniques DistillGuard tags campaigns with (https://atlas.mitre.org).</summary>
public static class AtlasTechniques
{
    /// <summary>AML.T0040 AI Model Inference API Access: every reported campaign used the inference API.</summary>
    public static readonly TechniqueFinding InferenceApiAccess = new() { Id = "AML.T0040", Name = "AI Model Inference API Access" };

    /// <summary>AML.T0024.002 Extract AI Model (under AML.T0024 Exfiltration via AI Inference API): extraction content at attack level.</summary>
    public static readonly TechniqueFinding ExtractModel = new() { Id = "AML.T0024.002", Name = "Extract AI Model" };

    /// <summary>AML.T0008.005 AI Service Proxies (under AML.T0008 Acquire Infrastructure): members share proxy exits or rotate networks.</summary>
    public static readonly TechniqueFinding ServiceProxies = new() { Id = "AML.T0008.005", Name = "AI Service Proxies" };

    /// <summary>
    /// AML.T0005.001 Train Proxy via Replication (under AML.T0005 Create Proxy AI Model): an attack whose harvest is
    /// shaped as training data for a replica (reasoning traces, synthetic instruction data, judgements, logprobs,
    /// tool-use traces, replayed reasoning).
    /// </summary>
    public static readonly TechniqueFinding TrainProxyViaReplication = new() { Id = "AML.T0005.001", Name = "Train Proxy via Replication" };

    /// <summary>AML.T0021 Establish Accounts: an account farm (shared payment, disposable e-mail, creation bursts, brand-new accounts).</summary>
    public static readonly TechniqueFinding EstablishAccounts = new() { Id = "AML.T0021", Name = "Establish Accounts" };
}
