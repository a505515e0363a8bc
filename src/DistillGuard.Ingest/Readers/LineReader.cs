using System.Buffers;

namespace DistillGuard.Ingest.Readers;

/// <summary>
/// Splits a byte stream into lines without allocating per line: a pooled buffer, a vectorised search for
/// <c>'\n'</c>, and <c>"\r\n"</c> handled. A line longer than <see cref="MaxLineBytes"/> is consumed and reported as
/// oversized instead of being buffered.
/// </summary>
public sealed class LineReader : IDisposable
{
    /// <summary>Longest line accepted, in bytes (64 MiB).</summary>
    public const int MaxLineBytes = 64 << 20;

    private readonly Stream _stream;
    private readonly int _maxLine;
    private byte[] _buffer;
    private int _start, _end;
    private bool _eof;

    /// <summary>Creates a reader over <paramref name="stream"/> (which it disposes).</summary>
    public LineReader(Stream stream, int initialBuffer = 1 << 20, int maxLineBytes = MaxLineBytes)
    {
        _stream = stream;
        _maxLine = maxLineBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(initialBuffer);
    }

    /// <summary>1-based number of the last line returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>False when the last line returned ended at the end of the stream without a newline (possibly cut short).</summary>
    public bool LastLineTerminated { get; private set; } = true;

    /// <summary>Reads the next line.</summary>
    /// <param name="line">The line without its terminator; valid until the next call.</param>
    /// <param name="oversized">True when the line exceeded the maximum length and was skipped (<paramref name="line"/> is empty).</param>
    /// <returns>False at end of stream.</returns>
    public bool ReadLine(out ReadOnlySpan<byte> line, out bool oversized)
    {
        oversized = false;
        while (true)
        {
            int nl = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                line = Trim(_buffer.AsSpan(_start, nl));
                _start += nl + 1;
                LineNumber++;
                LastLineTerminated = true;
                return true;
            }
            if (_eof)
            {
                if (_start == _end) { line = default; return false; }
                line = Trim(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
                LineNumber++;
                LastLineTerminated = false;
                return true;
            }
            if (_end - _start >= _maxLine)
            {
                SkipToNewline();
                LineNumber++;
                oversized = true;
                line = default;
                return true;
            }
            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _maxLine + 1));
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0) _eof = true;
        _end += n;
    }

    private void SkipToNewline()
    {
        _start = _end = 0;
        while (!_eof)
        {
            int n = _stream.Read(_buffer, 0, _buffer.Length);
            if (n == 0) { _eof = true; return; }
            int nl = _buffer.AsSpan(0, n).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                _start = nl + 1;
                _end = n;
                return;
            }
        }
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
