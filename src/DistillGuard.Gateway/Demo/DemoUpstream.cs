using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DistillGuard.Gateway.Demo;

/// <summary>
/// A stand-in provider API for trying the gateway without a provider key (<c>distillguard demo-upstream</c>), and for
/// its tests and benchmarks: a real Kestrel server that answers
/// <c>/v1/chat/completions</c> (OpenAI: JSON or SSE when <c>stream</c> is true, with <c>reasoning_content</c>) and
/// <c>/v1/messages</c> (Anthropic: JSON or SSE, with a signed thinking block), <c>/v1/models</c>, and any status on
/// request through the <c>x-fake-status</c> header. It counts the requests it received.
/// </summary>
public sealed class DemoUpstream : IAsyncDisposable
{
    /// <summary>The reasoning text every response carries.</summary>
    public const string Reasoning = "First I read the question carefully. Then I work through it step by step before I answer.";

    /// <summary>The answer text every response carries.</summary>
    public const string Answer = "This is a canned answer from the stand-in provider.";

    private readonly WebApplication _app;
    private int _requests;

    private DemoUpstream(WebApplication app) => _app = app;

    /// <summary>Waits until the server stops.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancel) => _app.WaitForShutdownAsync(cancel);

    /// <summary>Base address, e.g. http://127.0.0.1:41234.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Requests received.</summary>
    public int Requests => _requests;

    /// <summary>Headers of the last request.</summary>
    public IHeaderDictionary? LastHeaders { get; private set; }

    /// <summary>Starts a server on <paramref name="listen"/> (default: a free loopback port).</summary>
    public static async Task<DemoUpstream> StartAsync(string listen = "http://127.0.0.1:0")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(listen);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new DemoUpstream(app);
        app.MapPost("/v1/chat/completions", fake.ChatAsync);
        app.MapPost("/v1/messages", fake.MessagesAsync);
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = "frontier-1", @object = "model" } } }));
        await app.StartAsync();
        fake.Url = app.Urls.First();
        return fake;
    }

    private async Task<JsonObject?> ReadAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _requests);
        LastHeaders = new HeaderDictionary(ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value));
        if (ctx.Request.Headers["x-fake-status"].FirstOrDefault() is { } s && int.TryParse(s, out var status))
        {
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("{\"error\":{\"message\":\"upstream says no\",\"type\":\"server_error\"}}");
            return null;
        }
        return await JsonNode.ParseAsync(ctx.Request.Body) as JsonObject ?? new JsonObject();
    }

    private async Task ChatAsync(HttpContext ctx)
    {
        var req = await ReadAsync(ctx);
        if (req is null) return;
        string model = req["model"]?.GetValue<string>() ?? "frontier-1";
        if (req["stream"]?.GetValue<bool>() == true)
        {
            ctx.Response.ContentType = "text/event-stream";
            async Task Send(object chunk)
            {
                await ctx.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n");
                await ctx.Response.Body.FlushAsync();
            }
            await Send(new { id = "c1", @object = "chat.completion.chunk", model, choices = new[] { new { index = 0, delta = new { role = "assistant" } } } });
            foreach (var part in Reasoning.Split(' '))
                await Send(new { id = "c1", @object = "chat.completion.chunk", model, choices = new[] { new { index = 0, delta = new { reasoning_content = part + " " } } } });
            foreach (var part in Answer.Split(' '))
                await Send(new { id = "c1", @object = "chat.completion.chunk", model, choices = new[] { new { index = 0, delta = new { content = part + " " } } } });
            await Send(new { id = "c1", @object = "chat.completion.chunk", model, choices = Array.Empty<object>(), usage = new { prompt_tokens = 20, completion_tokens = 30, total_tokens = 50 } });
            await ctx.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }
        await ctx.Response.WriteAsJsonAsync(new
        {
            id = "c1", @object = "chat.completion", model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = Answer, reasoning_content = Reasoning }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 20, completion_tokens = 30, total_tokens = 50, completion_tokens_details = new { reasoning_tokens = 18 } },
        });
    }

    private async Task MessagesAsync(HttpContext ctx)
    {
        var req = await ReadAsync(ctx);
        if (req is null) return;
        string model = req["model"]?.GetValue<string>() ?? "frontier-1";
        string signature = Convert.ToBase64String(Encoding.UTF8.GetBytes("sig-" + Guid.NewGuid().ToString("N")));
        if (req["stream"]?.GetValue<bool>() == true)
        {
            ctx.Response.ContentType = "text/event-stream";
            async Task Send(string type, object data)
            {
                await ctx.Response.WriteAsync($"event: {type}\ndata: {JsonSerializer.Serialize(data)}\n\n");
                await ctx.Response.Body.FlushAsync();
            }
            await Send("message_start", new { type = "message_start", message = new { id = "m1", type = "message", role = "assistant", model, content = Array.Empty<object>(), usage = new { input_tokens = 20, output_tokens = 1 } } });
            await Send("content_block_start", new { type = "content_block_start", index = 0, content_block = new { type = "thinking", thinking = "" } });
            foreach (var part in Reasoning.Split(' '))
                await Send("content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "thinking_delta", thinking = part + " " } });
            await Send("content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "signature_delta", signature } });
            await Send("content_block_stop", new { type = "content_block_stop", index = 0 });
            await Send("content_block_start", new { type = "content_block_start", index = 1, content_block = new { type = "text", text = "" } });
            foreach (var part in Answer.Split(' '))
                await Send("content_block_delta", new { type = "content_block_delta", index = 1, delta = new { type = "text_delta", text = part + " " } });
            await Send("content_block_stop", new { type = "content_block_stop", index = 1 });
            await Send("message_delta", new { type = "message_delta", delta = new { stop_reason = "end_turn" }, usage = new { output_tokens = 30 } });
            await Send("message_stop", new { type = "message_stop" });
            return;
        }
        await ctx.Response.WriteAsJsonAsync(new
        {
            id = "m1", type = "message", role = "assistant", model,
            content = new object[] { new { type = "thinking", thinking = Reasoning, signature }, new { type = "text", text = Answer } },
            stop_reason = "end_turn",
            usage = new { input_tokens = 20, output_tokens = 30 },
        });
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
