using DistillGuard.Core.Exchanges;
using DistillGuard.Ingest.Formats;
using DistillGuard.Ingest.Inputs;

namespace DistillGuard.Ingest.Readers;

/// <summary>
/// Reads exchange logs: every source in order, every line parsed into an <see cref="Exchange"/>; malformed lines are
/// reported through a callback (<c>file:line: field: expected</c>) and skipped, so one bad line loses nothing else.
/// Blank lines are ignored. A source that cannot be opened or is cut short (for example a truncated gzip) is reported
/// as an error on the line where reading stopped; the remaining sources are still read.
/// </summary>
public sealed class ExchangeLogReader
{
    private readonly IReadOnlyList<InputSource> _sources;
    private readonly ExchangeParser _parser = new();
    private long _bytesDone;

    /// <summary>Creates a reader.</summary>
    public ExchangeLogReader(IReadOnlyList<InputSource> sources) => _sources = sources;

    /// <summary>Non-blank lines read.</summary>
    public long LinesRead { get; private set; }

    /// <summary>Bytes of text read after decompression (line contents and terminators).</summary>
    public long TextBytes { get; private set; }

    /// <summary>Lines reported and skipped.</summary>
    public long LinesSkipped { get; private set; }

    /// <summary>Exchanges delivered.</summary>
    public long Exchanges { get; private set; }

    /// <summary>Total size of the sources in bytes (compressed size for gzip; unknown sizes count 0).</summary>
    public long TotalBytes => _sources.Sum(s => Math.Max(0, s.Length));

    /// <summary>Bytes of the sources consumed so far (raw, before decompression), for progress.</summary>
    public long BytesConsumed => _bytesDone + (_current?.CanSeek == true ? SafePosition(_current) : 0);

    private Stream? _current;

    /// <summary>Receives a parsed exchange together with the raw line it was parsed from.</summary>
    /// <param name="x">The parsed exchange.</param>
    /// <param name="line">The line's UTF-8 bytes, without the terminator (valid only during the call).</param>
    /// <param name="source">The source's name.</param>
    /// <param name="lineNumber">1-based line number in the source.</param>
    public delegate void RawLineHandler(Exchange x, ReadOnlySpan<byte> line, string source, long lineNumber);

    /// <summary>Reads every source.</summary>
    /// <param name="rent">Supplies an exchange object to parse into; called again only after the previous one was delivered (a line that fails to parse reuses it).</param>
    /// <param name="deliver">Receives each parsed exchange with its source name and line number.</param>
    /// <param name="error">Receives each malformed line.</param>
    /// <param name="cancel">Stops reading between lines.</param>
    public void Run(Func<Exchange> rent, Action<Exchange, string, long> deliver, Action<IngestError> error, CancellationToken cancel = default)
        => Run(rent, (x, _, source, line) => deliver(x, source, line), error, cancel);

    /// <summary>
    /// Reads every source, handing each valid line's raw bytes along with its parse (hosts that forward the original
    /// line, such as the cluster scan client, validate it here first so errors are reported where the file is).
    /// </summary>
    /// <param name="rent">Supplies an exchange object to parse into (as in the other overload).</param>
    /// <param name="deliver">Receives each parsed exchange and its raw line.</param>
    /// <param name="error">Receives each malformed line.</param>
    /// <param name="cancel">Stops reading between lines.</param>
    public void Run(Func<Exchange> rent, RawLineHandler deliver, Action<IngestError> error, CancellationToken cancel = default)
    {
        Exchange? x = null;
        foreach (var source in _sources)
        {
            if (cancel.IsCancellationRequested) return;
            long line = 0;
            try
            {
                using var content = source.Open(out var raw);
                _current = raw;
                using var lines = new LineReader(content);
                while (!cancel.IsCancellationRequested && lines.ReadLine(out var bytes, out bool oversized))
                {
                    line = lines.LineNumber;
                    TextBytes += bytes.Length + 1;
                    if (oversized)
                    {
                        LinesRead++;
                        LinesSkipped++;
                        error(new IngestError(source.Name, line, "(line)", $"a line of at most {LineReader.MaxLineBytes:N0} bytes"));
                        continue;
                    }
                    if (IsBlank(bytes)) continue;
                    LinesRead++;
                    x ??= rent();
                    var failure = _parser.Parse(bytes, x);
                    if (failure is { } f)
                    {
                        LinesSkipped++;
                        string expected = lines.LastLineTerminated ? f.Expected : f.Expected + "; the file ends inside this line (truncated or still being written?)";
                        error(new IngestError(source.Name, line, f.Field, expected));
                        continue;
                    }
                    Exchanges++;
                    deliver(x, bytes, source.Name, line);
                    x = null;
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                LinesSkipped++;
                error(new IngestError(source.Name, line + 1, "(file)", $"a readable file ({e.Message}); the rest of this file was not read"));
            }
            finally
            {
                if (source.Length > 0) _bytesDone += source.Length;
                _current = null;
            }
        }
    }

    private static long SafePosition(Stream s)
    {
        try { return s.Position; } catch (ObjectDisposedException) { return 0; }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line) if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        return true;
    }
}
