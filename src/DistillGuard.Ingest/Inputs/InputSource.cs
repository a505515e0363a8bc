using System.IO.Compression;

namespace DistillGuard.Ingest.Inputs;

/// <summary>One input: a file (plain or gzip, detected by its magic bytes) or standard input (<c>-</c>).</summary>
public sealed class InputSource
{
    /// <summary>The name of standard input.</summary>
    public const string StandardInput = "-";

    private readonly Func<Stream>? _open;

    private InputSource(string name, long length, Func<Stream>? open)
    {
        Name = name;
        Length = length;
        _open = open;
    }

    /// <summary>The path as given (or <c>-</c>).</summary>
    public string Name { get; }

    /// <summary>Size on disk in bytes (compressed size for gzip), or -1 for standard input.</summary>
    public long Length { get; }

    /// <summary>A file input.</summary>
    public static InputSource File(string path) => new(path, new FileInfo(path).Length, null);

    /// <summary>Standard input.</summary>
    public static InputSource Stdin() => new(StandardInput, -1, Console.OpenStandardInput);

    /// <summary>An input read from a stream factory (tests, in-memory logs).</summary>
    public static InputSource FromStream(string name, Func<Stream> open) => new(name, -1, open);

    /// <summary>Opens the raw stream (before decompression).</summary>
    public Stream OpenRaw() => _open?.Invoke() ?? new FileStream(Name, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    /// <summary>Opens the decompressed content: gzip when the stream starts with 1f 8b, else the stream itself.</summary>
    /// <param name="raw">Receives the raw stream, whose position measures progress.</param>
    public Stream Open(out Stream raw)
    {
        raw = OpenRaw();
        var buffered = raw.CanSeek ? raw : new BufferedStream(raw, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int n = 0;
        if (buffered.CanSeek)
        {
            while (n < 2)
            {
                int r = buffered.Read(magic[n..]);
                if (r == 0) break;
                n += r;
            }
            buffered.Seek(0, SeekOrigin.Begin);
            return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(buffered, CompressionMode.Decompress) : buffered;
        }
        var peek = new PeekStream(buffered);
        return peek.StartsWithGzip() ? new GZipStream(peek, CompressionMode.Decompress) : peek;
    }

    /// <summary>A forward-only stream that can look at its first two bytes without consuming them.</summary>
    private sealed class PeekStream(Stream inner) : Stream
    {
        private readonly byte[] _head = new byte[2];
        private int _headLength, _headPos;

        public bool StartsWithGzip()
        {
            while (_headLength < 2)
            {
                int r = inner.Read(_head, _headLength, 2 - _headLength);
                if (r == 0) break;
                _headLength += r;
            }
            return _headLength == 2 && _head[0] == 0x1f && _head[1] == 0x8b;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_headPos < _headLength && buffer.Length > 0)
            {
                int n = Math.Min(buffer.Length, _headLength - _headPos);
                _head.AsSpan(_headPos, n).CopyTo(buffer);
                _headPos += n;
                return n;
            }
            return inner.Read(buffer);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
