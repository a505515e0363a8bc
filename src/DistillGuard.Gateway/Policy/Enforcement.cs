namespace DistillGuard.Gateway.Policy;

/// <summary>What the policy decided for one request.</summary>
/// <param name="Action">The action.</param>
/// <param name="Rule">What chose it: a rule name, <c>deny-list</c>, <c>allow-list</c>, <c>decision</c>, or <c>default</c>.</param>
/// <param name="WithholdReasoning">Strip reasoning from the response (the action, or a rule's extra).</param>
/// <param name="Throttle">The throttle rule when the action is <see cref="PolicyAction.Throttle"/>.</param>
public sealed record Enforcement(PolicyAction Action, string Rule, bool WithholdReasoning, PolicyRule? Throttle = null)
{
    /// <summary>Forward untouched.</summary>
    public static Enforcement Allowed { get; } = new(PolicyAction.Allow, "default", false);
}
