using System.IO.Compression;
using System.Text;

namespace DistillGuard.Gateway.Storage;

/// <summary>
/// The gateway's exchange log: every completed exchange is appended, as one line of the exchange-log format
/// (docs/exchange-log.md), to <c>journal.jsonl</c> and handed to the operating system before the gateway completes its
/// response, so a killed process loses no accepted exchange (with <c>SyncToDisk</c>, not even a power cut). When the
/// journal reaches its size limit, or at start, it is compressed into <c>exchanges/exchanges-UTC.jsonl.gz</c>, which
/// <c>distillguard scan</c> reads directly. A line cut short by a crash is dropped at start and reported.
/// </summary>
public sealed class ExchangeJournal : IDisposable
{
    private readonly string _journalPath;
    private readonly string _archive;
    private readonly long _rotateBytes;
    private readonly bool _sync;
    private readonly Lock _lock = new();
    private FileStream _stream;

    /// <summary>Opens the journal in <paramref name="directory"/>, first archiving what an earlier run left.</summary>
    /// <param name="directory">Data folder.</param>
    /// <param name="rotateBytes">Journal size that triggers archiving.</param>
    /// <param name="syncToDisk">fsync every append.</param>
    /// <param name="warning">Receives recovery notes (a torn last line).</param>
    public ExchangeJournal(string directory, long rotateBytes, bool syncToDisk, Action<string>? warning = null)
    {
        _journalPath = Path.Combine(directory, "journal.jsonl");
        _archive = Path.Combine(directory, "exchanges");
        Directory.CreateDirectory(_archive);
        _rotateBytes = rotateBytes;
        _sync = syncToDisk;
        Recover(warning);
        _stream = Open();
    }

    /// <summary>Lines appended since start.</summary>
    public long Appended { get; private set; }

    /// <summary>The archive folder (compressed logs).</summary>
    public string ArchiveDirectory => _archive;

    /// <summary>The live journal file.</summary>
    public string JournalPath => _journalPath;

    /// <summary>Appends one exchange line (without its newline) and hands it to the operating system.</summary>
    public void Append(ReadOnlySpan<byte> line)
    {
        lock (_lock)
        {
            _stream.Write(line);
            _stream.WriteByte((byte)'\n');
            _stream.Flush(_sync);
            Appended++;
            if (_stream.Length >= _rotateBytes)
            {
                _stream.Dispose();
                Archive();
                _stream = Open();
            }
        }
    }

    /// <summary>Every log to replay, oldest first: archived files, then the live journal.</summary>
    public List<string> Files()
    {
        lock (_lock)
        {
            var files = Directory.GetFiles(_archive, "exchanges-*.jsonl.gz").Order(StringComparer.Ordinal).ToList();
            if (new FileInfo(_journalPath) is { Exists: true, Length: > 0 }) files.Add(_journalPath);
            return files;
        }
    }

    private FileStream Open() => new(_journalPath, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16, FileOptions.None);

    private void Recover(Action<string>? warning)
    {
        var info = new FileInfo(_journalPath);
        if (!info.Exists || info.Length == 0) return;
        // Drop a last line without its newline: it was being written when the process stopped.
        using (var fs = new FileStream(_journalPath, FileMode.Open, FileAccess.ReadWrite))
        {
            long end = fs.Length;
            fs.Position = end - 1;
            if (fs.ReadByte() != '\n')
            {
                long cut = end - 1;
                var one = new byte[1];
                while (cut > 0)
                {
                    fs.Position = cut - 1;
                    fs.ReadExactly(one);
                    if (one[0] == '\n') break;
                    cut--;
                }
                fs.SetLength(cut);
                warning?.Invoke($"{_journalPath}: dropped an incomplete last line of {end - cut:N0} bytes (the process stopped while writing it)");
            }
        }
        if (new FileInfo(_journalPath).Length > 0) Archive();
        else File.Delete(_journalPath);
    }

    private void Archive()
    {
        string name = $"exchanges-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfff}.jsonl.gz";
        string target = Path.Combine(_archive, name), temp = target + ".tmp";
        using (var input = File.OpenRead(_journalPath))
        using (var output = File.Create(temp))
        using (var gz = new GZipStream(output, CompressionLevel.Fastest))
            input.CopyTo(gz);
        File.Move(temp, target, overwrite: false);
        File.Delete(_journalPath);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock) _stream.Dispose();
    }
}
