using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using DistillGuard.Core.Findings;
using DistillGuard.Gateway.Configuration;
using DistillGuard.Gateway.Engine;
using DistillGuard.Gateway.Policy;
using DistillGuard.Gateway.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DistillGuard.Gateway.Admin;

/// <summary>A decision sent to <c>PUT /admin/accounts/{id}/decision</c>.</summary>
/// <param name="Action">allow, flag, withhold_reasoning, throttle, require_verification or block.</param>
/// <param name="Label">attack or benign: the analyst's judgement, kept as a label for tuning.</param>
/// <param name="Reason">Why.</param>
/// <param name="Analyst">Who.</param>
/// <param name="Expires">Until when, or null.</param>
public sealed record DecisionRequest(string Action, string? Label, string? Reason, string? Analyst, DateTimeOffset? Expires);

/// <summary>A list entry sent to <c>PUT /admin/lists/{kind}/{id}</c>.</summary>
/// <param name="Reason">Why.</param>
/// <param name="Expires">Until when, or null.</param>
public sealed record ListRequest(string? Reason, DateTimeOffset? Expires);

/// <summary>
/// The admin API under <c>/admin</c>, protected by the <c>X-Admin-Key</c> header (off when no key is configured):
/// accounts and campaigns with their reasons, one account's evidence, the full findings document (which
/// <c>distillguard export</c> turns into OCSF or STIX), analyst decisions (enforced and kept as labels), allow and deny
/// lists, and the audit trail.
/// </summary>
public static class AdminEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Maps the endpoints.</summary>
    public static void MapAdmin(this IEndpointRouteBuilder app, GatewayOptions options, IDetectorHost engine, VerdictBoard board, PolicyEngine policy, GatewayStore store)
    {
        var admin = app.MapGroup("/admin");
        admin.AddEndpointFilter(async (ctx, next) =>
        {
            var key = ctx.HttpContext.Request.Headers["X-Admin-Key"].FirstOrDefault();
            if (options.AdminKey.Length == 0) return Results.NotFound();
            if (key is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(options.AdminKey)))
                return Results.Json(new { error = "missing or wrong X-Admin-Key" }, statusCode: 401);
            return await next(ctx);
        });

        admin.MapGet("/accounts", (string? verdict, int? limit) =>
        {
            var rows = board.All.Where(v => verdict is null || v.Verdict == verdict).OrderByDescending(v => v.Risk).ThenBy(v => v.AccountId, StringComparer.Ordinal)
                .Take(Math.Clamp(limit ?? 500, 1, 100_000))
                .Select(v => new { account_id = v.AccountId, v.Verdict, v.Risk, reason_codes = v.Reasons, campaign_id = v.CampaignId, decision = policy.Decision(v.AccountId)?.Action });
            return Results.Json(rows, Json);
        });

        admin.MapGet("/accounts/{id}", async (string id, CancellationToken cancel) =>
        {
            var finding = await engine.AccountAsync(id, cancel);
            if (finding is null) return Results.Json(new { error = $"account \"{id}\" has not been seen" }, statusCode: 404);
            return Results.Json(new { account = finding, decision = policy.Decision(id), audit = store.AuditTrail(id, 20) }, Json);
        });

        admin.MapGet("/campaigns", async (CancellationToken cancel) =>
            Results.Json((await engine.FindingsAsync(cancel)).Campaigns, Json));

        admin.MapGet("/findings", async (CancellationToken cancel) =>
        {
            var doc = await engine.FindingsAsync(cancel);
            return Results.Bytes(FindingsJson.ToUtf8Bytes(doc), "application/json");
        });

        admin.MapPost("/recompute", async (CancellationToken cancel) =>
        {
            int campaigns = await engine.RecomputeAsync(cancel);
            return Results.Json(new { recomputed = true, communities = campaigns }, Json);
        });

        admin.MapPut("/accounts/{id}/decision", (string id, DecisionRequest body) =>
        {
            if (!TryAction(body.Action, out var action))
                return Results.Json(new { error = "action: allow, flag, withhold_reasoning, throttle, require_verification or block" }, statusCode: 400);
            if (body.Label is not (null or "attack" or "benign"))
                return Results.Json(new { error = "label: attack, benign or absent" }, statusCode: 400);
            var d = new AnalystDecision(id, action, body.Label, body.Reason ?? "", body.Analyst ?? "admin-api", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), body.Expires?.ToUnixTimeMilliseconds());
            policy.SetDecision(d);
            return Results.Json(d, Json);
        });

        admin.MapDelete("/accounts/{id}/decision", (string id) => policy.RemoveDecision(id) ? Results.NoContent() : Results.NotFound());

        admin.MapGet("/decisions", () => Results.Json(policy.Decisions, Json));

        // Analyst labels in the format 'distillguard eval --labels' reads.
        admin.MapGet("/labels", () =>
        {
            var sb = new StringBuilder();
            foreach (var d in policy.Decisions.Where(d => d.Label is not null))
                sb.Append(JsonSerializer.Serialize(new { account_id = d.AccountId, label = d.Label, persona = "analyst", campaign = (string?)null })).Append('\n');
            return Results.Text(sb.ToString(), "application/x-ndjson");
        });

        admin.MapGet("/lists/{kind}", (string kind) => kind is "allow" or "deny" ? Results.Json(policy.List(kind), Json) : Results.NotFound());

        admin.MapPut("/lists/{kind}/{id}", (string kind, string id, ListRequest body) =>
        {
            if (kind is not ("allow" or "deny")) return Results.NotFound();
            var entry = new ListEntry { AccountId = id, Reason = body.Reason ?? "", Expires = body.Expires };
            policy.SetListEntry(kind, entry, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            return Results.Json(entry, Json);
        });

        admin.MapDelete("/lists/{kind}/{id}", (string kind, string id) =>
            kind is "allow" or "deny" && policy.RemoveListEntry(kind, id) ? Results.NoContent() : Results.NotFound());

        admin.MapGet("/audit", (string? account, int? limit) => Results.Json(store.AuditTrail(account, Math.Clamp(limit ?? 100, 1, 10_000)), Json));
    }

    private static bool TryAction(string? text, out PolicyAction action)
    {
        action = PolicyAction.Allow;
        if (text is null) return false;
        return Enum.TryParse(text.Replace("_", ""), ignoreCase: true, out action) && Enum.IsDefined(action);
    }
}
