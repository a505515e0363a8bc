using System.Buffers;

namespace DistillGuard.Core.Exchanges;

/// <summary>
/// One API exchange (a request and, when known, its response), normalised across OpenAI Chat Completions and
/// Anthropic Messages. Only what detection needs is kept: identity and infrastructure fields, the request's text
/// segments, its shape (turns, tools, sampling parameters) and the response's usage, reasoning and signatures.
/// </summary>
/// <remarks>
/// Instances are reusable: readers fill one, the engine consumes it, then <see cref="Reset"/> clears it for the next
/// line. All strings live in one pooled character arena, so a filled exchange allocates nothing per field; read them
/// through the <see cref="ReadOnlySpan{T}"/> properties and copy (<c>ToString()</c>) only what must outlive the call.
/// An instance is not thread-safe.
/// </remarks>
public sealed class Exchange
{
    /// <summary>Most text segments kept per exchange; further segments are ignored (counted in <see cref="DroppedSegments"/>).</summary>
    public const int MaxSegments = 64;

    /// <summary>Most reasoning signatures kept per side (request or response).</summary>
    public const int MaxSignatures = 8;

    private char[] _arena = ArrayPool<char>.Shared.Rent(4096);
    private int _used;
    private readonly TextSegment[] _segments = new TextSegment[MaxSegments];
    private readonly ulong[] _requestSignatures = new ulong[MaxSignatures];
    private readonly ulong[] _responseSignatures = new ulong[MaxSignatures];
    private Range _id, _account, _org, _apiKey, _ip, _userAgent, _country, _model;

    /// <summary>Exchange time as Unix milliseconds (UTC).</summary>
    public long TimestampMs { get; set; }

    /// <summary>Which API shape the request and response were recognised as.</summary>
    public ApiFormat Format { get; set; }

    /// <summary>Provider-assigned exchange id, or empty.</summary>
    public ReadOnlySpan<char> Id => Slice(_id);

    /// <summary>The account that sent the request (required in the log).</summary>
    public ReadOnlySpan<char> AccountId => Slice(_account);

    /// <summary>Organisation id, or empty.</summary>
    public ReadOnlySpan<char> OrgId => Slice(_org);

    /// <summary>API key id (never the key itself), or empty.</summary>
    public ReadOnlySpan<char> ApiKeyId => Slice(_apiKey);

    /// <summary>Client IP address as text (IPv4 or IPv6), or empty.</summary>
    public ReadOnlySpan<char> ClientIp => Slice(_ip);

    /// <summary>HTTP User-Agent, or empty.</summary>
    public ReadOnlySpan<char> UserAgent => Slice(_userAgent);

    /// <summary>Country code as logged, or empty. Never used to raise a score.</summary>
    public ReadOnlySpan<char> Country => Slice(_country);

    /// <summary>Requested model name, or empty.</summary>
    public ReadOnlySpan<char> Model => Slice(_model);

    /// <summary>Request text segments (system, user, assistant, tool), in message order.</summary>
    public ReadOnlySpan<TextSegment> Segments => _segments.AsSpan(0, SegmentCount);

    /// <summary>Number of segments in <see cref="Segments"/>.</summary>
    public int SegmentCount { get; private set; }

    /// <summary>Segments not kept because <see cref="MaxSegments"/> was reached.</summary>
    public int DroppedSegments { get; private set; }

    /// <summary>Number of messages in the request (system prompt not counted).</summary>
    public int MessageCount { get; set; }

    /// <summary>Number of user messages that carry text.</summary>
    public int UserTurns { get; set; }

    /// <summary>Number of assistant messages in the request history.</summary>
    public int AssistantTurns { get; set; }

    /// <summary>
    /// Index of the last assistant message in the request, or -1. Text in messages after it is new in this exchange;
    /// text before it was scored when it was sent.
    /// </summary>
    public int LastAssistantMessage { get; set; } = -1;

    /// <summary>Number of tool results in the request history.</summary>
    public int ToolResultTurns { get; set; }

    /// <summary>Number of tool (function) definitions offered to the model.</summary>
    public int ToolCount { get; set; }

    /// <summary>Order-independent 64-bit hash of the offered tool names (0 when no tools).</summary>
    public ulong ToolSetHash { get; set; }

    /// <summary>Whether token log-probabilities were requested.</summary>
    public bool Logprobs { get; set; }

    /// <summary>Requested <c>top_logprobs</c> (0 when absent).</summary>
    public int TopLogprobs { get; set; }

    /// <summary>Requested number of completions <c>n</c> (1 when absent).</summary>
    public int Choices { get; set; } = 1;

    /// <summary>Sampling temperature, or <see cref="float.NaN"/> when absent.</summary>
    public float Temperature { get; set; } = float.NaN;

    /// <summary>Requested output cap in tokens (<c>max_tokens</c>/<c>max_completion_tokens</c>), 0 when absent.</summary>
    public int MaxOutputTokens { get; set; }

    /// <summary>Requested reasoning effort or thinking budget.</summary>
    public ReasoningEffort ReasoningEffort { get; set; }

    /// <summary>Whether the request carries thinking/reasoning blocks (Anthropic <c>thinking</c>/<c>redacted_thinking</c>, encrypted reasoning).</summary>
    public bool RequestHasReasoningBlocks { get; set; }

    /// <summary>Hashes of reasoning signatures (or encrypted reasoning) carried in the request.</summary>
    public ReadOnlySpan<ulong> RequestSignatures => _requestSignatures.AsSpan(0, RequestSignatureCount);

    /// <summary>Number of entries in <see cref="RequestSignatures"/>.</summary>
    public int RequestSignatureCount { get; private set; }

    /// <summary>Whether a response body was present.</summary>
    public bool HasResponse { get; set; }

    /// <summary>Input tokens reported in the response usage (0 when unknown).</summary>
    public int PromptTokens { get; set; }

    /// <summary>Output tokens reported in the response usage, reasoning included (0 when unknown).</summary>
    public int CompletionTokens { get; set; }

    /// <summary>Reasoning tokens reported (OpenAI <c>completion_tokens_details.reasoning_tokens</c>), or estimated from thinking text.</summary>
    public int ReasoningTokens { get; set; }

    /// <summary>Whether the response exposed reasoning text (<c>reasoning_content</c>, <c>reasoning</c>, thinking blocks).</summary>
    public bool ResponseHasReasoning { get; set; }

    /// <summary>Number of tool calls in the response.</summary>
    public int ResponseToolCalls { get; set; }

    /// <summary>Hashes of reasoning signatures issued in the response.</summary>
    public ReadOnlySpan<ulong> ResponseSignatures => _responseSignatures.AsSpan(0, ResponseSignatureCount);

    /// <summary>Number of entries in <see cref="ResponseSignatures"/>.</summary>
    public int ResponseSignatureCount { get; private set; }

    /// <summary>Upstream latency in milliseconds, or -1 when absent.</summary>
    public int LatencyMs { get; set; } = -1;

    /// <summary>HTTP status of the upstream response, or -1 when absent.</summary>
    public int Status { get; set; } = -1;

    /// <summary>The characters of one segment.</summary>
    public ReadOnlySpan<char> Text(TextSegment segment) => _arena.AsSpan(segment.Start, segment.Length);

    /// <summary>Bytes held by the text arena (it grows to the largest exchange seen and is reused).</summary>
    public long ArenaBytes => _arena.LongLength * sizeof(char);

    /// <summary>Sets the exchange id.</summary>
    public void SetId(ReadOnlySpan<char> value) => _id = Store(value);

    /// <summary>Sets the account id.</summary>
    public void SetAccountId(ReadOnlySpan<char> value) => _account = Store(value);

    /// <summary>Sets the organisation id.</summary>
    public void SetOrgId(ReadOnlySpan<char> value) => _org = Store(value);

    /// <summary>Sets the API key id.</summary>
    public void SetApiKeyId(ReadOnlySpan<char> value) => _apiKey = Store(value);

    /// <summary>Sets the client IP text.</summary>
    public void SetClientIp(ReadOnlySpan<char> value) => _ip = Store(value);

    /// <summary>Sets the user agent.</summary>
    public void SetUserAgent(ReadOnlySpan<char> value) => _userAgent = Store(value);

    /// <summary>Sets the country code.</summary>
    public void SetCountry(ReadOnlySpan<char> value) => _country = Store(value);

    /// <summary>Sets the model name.</summary>
    public void SetModel(ReadOnlySpan<char> value) => _model = Store(value);

    /// <summary>Appends a text segment copied from <paramref name="text"/>.</summary>
    /// <returns>False when <see cref="MaxSegments"/> segments are already held (the text is dropped and counted).</returns>
    public bool AddSegment(MessageRole role, int messageIndex, ReadOnlySpan<char> text)
    {
        if (SegmentCount == MaxSegments)
        {
            DroppedSegments++;
            return false;
        }
        var range = Store(text);
        _segments[SegmentCount++] = new TextSegment(role, messageIndex, range.Start.Value, text.Length);
        return true;
    }

    /// <summary>
    /// Reserves <paramref name="maxLength"/> characters in the arena for a segment written in place (used by parsers
    /// that unescape JSON directly into the arena). Call <see cref="CommitSegment"/> with the length written.
    /// </summary>
    public Span<char> ReserveSegment(int maxLength)
    {
        EnsureCapacity(maxLength);
        return _arena.AsSpan(_used, maxLength);
    }

    /// <summary>Commits a segment of <paramref name="length"/> characters written into the span from <see cref="ReserveSegment"/>.</summary>
    public bool CommitSegment(MessageRole role, int messageIndex, int length)
    {
        if (SegmentCount == MaxSegments)
        {
            DroppedSegments++;
            return false;
        }
        _segments[SegmentCount++] = new TextSegment(role, messageIndex, _used, length);
        _used += length;
        return true;
    }

    /// <summary>Changes the role of segment <paramref name="index"/> (parsers learn a message's role after its content when keys come in that order).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such segment.</exception>
    public void SetSegmentRole(int index, MessageRole role)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)SegmentCount, nameof(index));
        _segments[index] = _segments[index] with { Role = role };
    }

    /// <summary>Records the hash of a reasoning signature carried in the request (ignored beyond <see cref="MaxSignatures"/>).</summary>
    public void AddRequestSignature(ulong hash)
    {
        if (RequestSignatureCount < MaxSignatures) _requestSignatures[RequestSignatureCount++] = hash;
    }

    /// <summary>Records the hash of a reasoning signature issued in the response (ignored beyond <see cref="MaxSignatures"/>).</summary>
    public void AddResponseSignature(ulong hash)
    {
        if (ResponseSignatureCount < MaxSignatures) _responseSignatures[ResponseSignatureCount++] = hash;
    }

    /// <summary>Clears every field so the instance can hold the next exchange; the arena is kept.</summary>
    public void Reset()
    {
        _used = 0;
        _id = _account = _org = _apiKey = _ip = _userAgent = _country = _model = default;
        TimestampMs = 0;
        Format = ApiFormat.Unknown;
        SegmentCount = DroppedSegments = 0;
        MessageCount = UserTurns = AssistantTurns = ToolResultTurns = ToolCount = 0;
        LastAssistantMessage = -1;
        ToolSetHash = 0;
        Logprobs = false;
        TopLogprobs = 0;
        Choices = 1;
        Temperature = float.NaN;
        MaxOutputTokens = 0;
        ReasoningEffort = ReasoningEffort.None;
        RequestHasReasoningBlocks = false;
        RequestSignatureCount = ResponseSignatureCount = 0;
        HasResponse = false;
        PromptTokens = CompletionTokens = ReasoningTokens = ResponseToolCalls = 0;
        ResponseHasReasoning = false;
        LatencyMs = -1;
        Status = -1;
    }

    private ReadOnlySpan<char> Slice(Range r) => _arena.AsSpan(r);

    private Range Store(ReadOnlySpan<char> value)
    {
        EnsureCapacity(value.Length);
        value.CopyTo(_arena.AsSpan(_used));
        var r = new Range(_used, _used + value.Length);
        _used += value.Length;
        return r;
    }

    private void EnsureCapacity(int extra)
    {
        if (_used + extra <= _arena.Length) return;
        var bigger = ArrayPool<char>.Shared.Rent(Math.Max(_arena.Length * 2, _used + extra));
        _arena.AsSpan(0, _used).CopyTo(bigger);
        ArrayPool<char>.Shared.Return(_arena);
        _arena = bigger;
    }
}
