using System.Text;
using DistillGuard.Core.Exchanges;
using DistillGuard.Core.Similarity;
using DistillGuard.Ingest.Formats;

namespace DistillGuard.Ingest.Tests.Formats;

public class ExchangeParserTests
{
    private static (Exchange X, ParseFailure? Failure) Parse(string json)
    {
        var x = new Exchange();
        var f = new ExchangeParser().Parse(Encoding.UTF8.GetBytes(json), x);
        return (x, f);
    }

    private static string Texts(Exchange x, MessageRole role) => string.Join("|", x.Segments.ToArray().Where(s => s.Role == role).Select(s => x.Text(s).ToString()));

    [Fact]
    public void Reads_an_openai_chat_completion_exchange()
    {
        var (x, f) = Parse("""
        {"id":"ex-1","timestamp":"2026-03-02T10:00:00.250Z","account_id":"acct-9","org_id":"org-1","api_key_id":"key-1",
         "client_ip":"198.51.100.4","user_agent":"openai-python/1.54.4","country":"DE",
         "request":{"model":"gpt-x","messages":[{"role":"system","content":"You are terse."},
            {"role":"user","content":[{"type":"text","text":"Part one."},{"type":"image_url","image_url":{"url":"data:..."}},{"type":"text","text":"Part two."}]},
            {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":"c1","content":"tool output"},
            {"role":"user","content":"Next?"}],
          "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},{"type":"function","function":{"name":"get_time"}}],
          "n":4,"logprobs":true,"top_logprobs":10,"temperature":0.9,"max_completion_tokens":900,"reasoning_effort":"high","unknown_field":{"x":[1,2]}},
         "response":{"id":"c","object":"chat.completion","model":"gpt-x","choices":[{"index":0,"message":{"role":"assistant","content":"Sure.","reasoning_content":"Let me think...","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]}}],
           "usage":{"prompt_tokens":120,"completion_tokens":80,"completion_tokens_details":{"reasoning_tokens":60}}},
         "latency_ms":812,"status":200}
        """);
        Assert.Null(f);
        Assert.Equal(ApiFormat.OpenAIChat, x.Format);
        Assert.Equal("ex-1", x.Id.ToString());
        Assert.Equal("acct-9", x.AccountId.ToString());
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T10:00:00.250Z").ToUnixTimeMilliseconds(), x.TimestampMs);
        Assert.Equal("198.51.100.4", x.ClientIp.ToString());
        Assert.Equal("gpt-x", x.Model.ToString());
        Assert.Equal("You are terse.", Texts(x, MessageRole.System));
        Assert.Equal("Part one.|Part two.|Next?", Texts(x, MessageRole.User));
        Assert.Equal("tool output", Texts(x, MessageRole.Tool));
        Assert.Equal((4, 2, 1, 1), (x.MessageCount, x.UserTurns, x.AssistantTurns, x.ToolResultTurns));
        Assert.Equal(2, x.ToolCount);
        Assert.Equal((4, true, 10), (x.Choices, x.Logprobs, x.TopLogprobs));
        Assert.Equal(0.9f, x.Temperature, 3);
        Assert.Equal(900, x.MaxOutputTokens);
        Assert.Equal(ReasoningEffort.High, x.ReasoningEffort);
        Assert.True(x.HasResponse && x.ResponseHasReasoning);
        Assert.Equal((120, 80, 60, 1), (x.PromptTokens, x.CompletionTokens, x.ReasoningTokens, x.ResponseToolCalls));
        Assert.Equal((812, 200), (x.LatencyMs, x.Status));
    }

    [Fact]
    public void Reads_an_anthropic_messages_exchange_with_thinking_signatures()
    {
        var (x, f) = Parse("""
        {"timestamp":"2026-03-02T10:00:00Z","account_id":"a","request":{"model":"claude-x","max_tokens":2048,"system":[{"type":"text","text":"Be careful."}],
          "thinking":{"type":"enabled","budget_tokens":20000},
          "tools":[{"name":"read_file","description":"read","input_schema":{"type":"object"}}],
          "messages":[{"role":"user","content":"Fix the bug."},
            {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"SIG-A"},{"type":"tool_use","id":"t1","name":"read_file","input":{"path":"a.py"}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"print(1)"}]},{"type":"text","text":"Go on."}]}]},
         "response":{"id":"m","type":"message","role":"assistant","model":"claude-x","content":[{"type":"thinking","thinking":"abcdefgh","signature":"SIG-B"},{"type":"text","text":"Done."}],
           "usage":{"input_tokens":50,"output_tokens":30}}}
        """);
        Assert.Null(f);
        Assert.Equal(ApiFormat.AnthropicMessages, x.Format);
        Assert.Equal("Be careful.", Texts(x, MessageRole.System));
        Assert.Equal("Fix the bug.|Go on.", Texts(x, MessageRole.User));
        Assert.Equal("print(1)", Texts(x, MessageRole.Tool));
        Assert.Equal((1, 1), (x.AssistantTurns, x.ToolResultTurns));
        Assert.Equal(ReasoningEffort.High, x.ReasoningEffort);
        Assert.True(x.RequestHasReasoningBlocks);
        Assert.Equal(Hash64.Of("SIG-A"u8), Assert.Single(x.RequestSignatures.ToArray()));
        Assert.Equal(Hash64.Of("SIG-B"u8), Assert.Single(x.ResponseSignatures.ToArray()));
        Assert.True(x.ResponseHasReasoning);
        Assert.Equal((50, 30), (x.PromptTokens, x.CompletionTokens));
        Assert.True(x.ReasoningTokens > 0, "estimated from thinking text");
    }

    [Fact]
    public void Role_given_after_content_is_applied()
    {
        var (x, f) = Parse("""{"timestamp":"2026-03-02T10:00:00Z","account_id":"a","request":{"messages":[{"content":"be brief","role":"system"},{"content":"hi","role":"user"}]}}""");
        Assert.Null(f);
        Assert.Equal("be brief", Texts(x, MessageRole.System));
        Assert.Equal("hi", Texts(x, MessageRole.User));
    }

    [Fact]
    public void Unicode_escapes_are_decoded()
    {
        var (x, _) = Parse("""{"timestamp":"2026-03-02T10:00:00Z","account_id":"a","request":{"messages":[{"role":"user","content":"\u601d\u8003 \"quoted\" \n"}]}}""");
        Assert.Equal("思考 \"quoted\" \n", Texts(x, MessageRole.User));
    }

    [Fact]
    public void Numeric_ids_and_unix_timestamps_are_accepted()
    {
        var (x, f) = Parse("""{"timestamp":1772445600,"account_id":12345}""");
        Assert.Null(f);
        Assert.Equal("12345", x.AccountId.ToString());
        Assert.Equal(1772445600000L, x.TimestampMs);
    }

    [Theory]
    [InlineData("""{"timestamp":"2026-03-02T10:00:00Z"}""", "account_id", "required")]
    [InlineData("""{"account_id":"a"}""", "timestamp", "required")]
    [InlineData("""{"account_id":"","timestamp":"2026-03-02T10:00:00Z"}""", "account_id", "empty")]
    [InlineData("""{"account_id":"a","timestamp":"yesterday"}""", "timestamp", "RFC 3339")]
    [InlineData("""{"account_id":"a","timestamp":"2026-03-02T10:00:00Z","request":"hi"}""", "request", "JSON object")]
    [InlineData("""{"account_id":"a","timestamp":"2026-03-02T10:00:00Z","request":{"messages":{"role":"user"}}}""", "request.messages", "array")]
    [InlineData("""{"account_id":"a","timestamp":"2026-03-02T10:00:00Z","request":{"messages":[{"role":"user","content":"x"},{"content":"y"}]}}""", "request.messages[1].role", "required")]
    [InlineData("""{"account_id":"a","timestamp":"2026-03-02T10:00:00Z","request":{"messages":[{"role":"wizard","content":"x"}]}}""", "request.messages[0].role", "wizard")]
    [InlineData("""{"account_id":"a","timestamp":"2026-03-02T10:00:00Z","request":{"temperature":"hot"}}""", "request.temperature", "number")]
    [InlineData("""{"account_id":"a","timestamp":"2026-03-02T10:00:00Z","latency_ms":"fast"}""", "latency_ms", "number")]
    [InlineData("""{"account_id":"a","timestamp":"2026-03-02T10:00:00Z","client_ip":42}""", "client_ip", "string")]
    [InlineData("""{"account_id":"a","timestamp":"2026-03-02T10:00:00Z",""", "(line)", "valid JSON")]
    [InlineData("""[1,2,3]""", "(line)", "JSON object")]
    [InlineData("""not json at all""", "(line)", "valid JSON")]
    public void Malformed_lines_name_the_field_and_what_was_expected(string json, string field, string expected)
    {
        var (_, f) = Parse(json);
        Assert.NotNull(f);
        Assert.Equal(field, f.Value.Field);
        Assert.Contains(expected, f.Value.Expected);
    }

    [Fact]
    public void The_parser_is_reusable_after_a_failure()
    {
        var parser = new ExchangeParser();
        var x = new Exchange();
        Assert.NotNull(parser.Parse("""{"account_id":"a","timestamp":"bad"}"""u8, x));
        Assert.Null(parser.Parse("""{"account_id":"b","timestamp":"2026-03-02T10:00:00Z","request":{"messages":[{"role":"user","content":"ok"}]}}"""u8, x));
        Assert.Equal("b", x.AccountId.ToString());
        Assert.Equal("ok", Texts(x, MessageRole.User));
    }

    [Fact]
    public void Very_many_messages_keep_the_first_segments_and_count_the_rest()
    {
        var messages = string.Join(",", Enumerable.Range(0, 100).Select(i => $$"""{"role":"user","content":"m{{i}}"}"""));
        var (x, f) = Parse("""{"account_id":"a","timestamp":"2026-03-02T10:00:00Z","request":{"messages":[""" + messages + "]}}");
        Assert.Null(f);
        Assert.Equal(Exchange.MaxSegments, x.SegmentCount);
        Assert.Equal(100 - Exchange.MaxSegments, x.DroppedSegments);
        Assert.Equal(100, x.MessageCount);
    }
}
