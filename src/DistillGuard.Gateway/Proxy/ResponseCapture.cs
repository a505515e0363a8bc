using System.Text;
using Microsoft.AspNetCore.Http;

namespace DistillGuard.Gateway.Proxy;

/// <summary>
/// Stands in for the client's response body while the forwarder copies the upstream response: it passes bytes on as
/// they come (SSE events are flushed as they complete), keeps a bounded copy for the detector, and, when reasoning must
/// be withheld, rewrites JSON bodies (buffered) and SSE events (one event at a time) on the way. Compressed or unknown
/// bodies pass through untouched and uncaptured.
/// </summary>
internal sealed class ResponseCapture : Stream
{
    /// <summary>Bytes of a JSON response kept for the detector (and buffered when rewriting).</summary>
    public const int MaxCapture = 8 << 20;

    private enum Mode { Undecided, Json, Sse, Passthrough }

    private readonly HttpResponse _response;
    private readonly Stream _inner;
    private readonly bool _withhold;
    private Mode _mode;
    private readonly MemoryStream _json = new();
    private bool _jsonOverflow;
    private readonly MemoryStream _pending = new(); // SSE bytes of an incomplete event
    private readonly StreamedResponse _streamed = new();
    private readonly ReasoningFilter.StreamFilter _filter = new();

    public ResponseCapture(HttpResponse response, bool withholdReasoning)
    {
        _response = response;
        _inner = response.Body;
        _withhold = withholdReasoning;
    }

    /// <summary>Whether reasoning was removed from what the client received.</summary>
    public bool Withheld { get; private set; }

    /// <summary>The response as the detector should see it (JSON; streams rebuilt), or null when not captured.</summary>
    public byte[]? Captured => _mode switch
    {
        Mode.Json when !_jsonOverflow && _json.Length > 0 => _json.ToArray(),
        Mode.Sse => _streamed.ToJson(),
        _ => null,
    };

    private void Decide()
    {
        if (_mode != Mode.Undecided) return;
        string type = _response.ContentType ?? "";
        bool encoded = _response.Headers.ContentEncoding.Count > 0;
        _mode = encoded ? Mode.Passthrough
            : type.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) ? Mode.Sse
            : type.Contains("json", StringComparison.OrdinalIgnoreCase) ? Mode.Json
            : Mode.Passthrough;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancel = default)
    {
        Decide();
        switch (_mode)
        {
            case Mode.Json:
                if (!_jsonOverflow)
                {
                    if (_json.Length + buffer.Length > MaxCapture) _jsonOverflow = true;
                    else _json.Write(buffer.Span);
                }
                // Rewriting needs the whole body; past the cap it is passed on unchanged.
                if (_withhold && !_jsonOverflow) return;
                if (_withhold && _jsonOverflow && _json.Length > 0)
                {
                    await _inner.WriteAsync(_json.GetBuffer().AsMemory(0, (int)_json.Length), cancel);
                    _json.SetLength(0);
                }
                await _inner.WriteAsync(buffer, cancel);
                return;
            case Mode.Sse:
                await WriteSseAsync(buffer, cancel);
                return;
            default:
                await _inner.WriteAsync(buffer, cancel);
                return;
        }
    }

    private async Task WriteSseAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancel)
    {
        if (!_withhold) await _inner.WriteAsync(buffer, cancel);
        _pending.Write(buffer.Span);
        // Complete events end with a blank line.
        var bytes = _pending.GetBuffer().AsMemory(0, (int)_pending.Length);
        int start = 0;
        while (true)
        {
            int end = FindEventEnd(bytes.Span, start, out int next);
            if (end < 0) break;
            var evt = Encoding.UTF8.GetString(bytes.Span[start..end]);
            var output = OnEvent(evt);
            if (_withhold && output is not null) await _inner.WriteAsync(Encoding.UTF8.GetBytes(output), cancel);
            start = next;
        }
        if (start > 0)
        {
            var rest = bytes[start..].ToArray();
            _pending.SetLength(0);
            _pending.Write(rest);
        }
    }

    private static int FindEventEnd(ReadOnlySpan<byte> span, int from, out int next)
    {
        for (int i = from; i + 1 < span.Length; i++)
        {
            if (span[i] == '\n' && span[i + 1] == '\n') { next = i + 2; return i + 1; }
            if (span[i] == '\n' && span[i + 1] == '\r' && i + 2 < span.Length && span[i + 2] == '\n') { next = i + 3; return i + 1; }
        }
        next = -1;
        return -1;
    }

    /// <summary>Captures one event and returns the text to send (null: drop it).</summary>
    private string? OnEvent(string evt)
    {
        var lines = evt.Split('\n');
        var data = new StringBuilder();
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5)).Append('\n');
        }
        string payload = data.Length > 0 ? data.ToString(0, data.Length - 1) : "";
        // One parse serves both: the rebuilt response copies what it keeps before the filter edits the event in place.
        var parsed = JsonObjects.TryParse(payload);
        _streamed.Add(parsed);
        if (!_withhold) return evt + "\n";
        var filtered = _filter.Filter(parsed, payload);
        if (filtered is null) { Withheld = true; return null; }
        if (ReferenceEquals(filtered, payload)) return evt + "\n";
        Withheld = true;
        var sb = new StringBuilder();
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("data:", StringComparison.Ordinal)) continue;
            if (line.Length > 0) sb.Append(line).Append('\n');
        }
        sb.Append("data: ").Append(filtered).Append("\n\n");
        return sb.ToString();
    }

    /// <summary>Sends what was held back (a rewritten JSON body, the tail of a stream).</summary>
    public async Task CompleteAsync(CancellationToken cancel)
    {
        if (_mode == Mode.Json && _withhold && !_jsonOverflow && _json.Length > 0)
        {
            var body = _json.ToArray();
            var filtered = ReasoningFilter.FilterJson(body);
            if (filtered is not null) Withheld = true;
            var output = filtered ?? body;
            if (!_response.HasStarted) _response.ContentLength = output.Length;
            await _inner.WriteAsync(output, cancel);
        }
        else if (_mode == Mode.Sse && _withhold && _pending.Length > 0)
        {
            await _inner.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), cancel);
        }
        await _inner.FlushAsync(cancel);
    }

    public override async Task FlushAsync(CancellationToken cancel)
    {
        // A buffered JSON body is sent at completion; flushing now would send headers with a stale length.
        if (_mode == Mode.Json && _withhold && !_jsonOverflow) return;
        await _inner.FlushAsync(cancel);
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancel) => WriteAsync(buffer.AsMemory(offset, count), cancel).AsTask();
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
