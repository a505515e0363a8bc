namespace DistillGuard.Core.Profiles;

/// <summary>
/// Exchanges per hour for one account, in 4 bytes per active hour: each cell packs the hour (16 bits, relative to the
/// account's first hour, so about 7.5 years) and its count (16 bits, saturating at 65,535). Cells stay sorted by hour;
/// the common case (a time-ordered log) appends or increments the last cell.
/// </summary>
public sealed class HourlyHistogram
{
    private uint[] _cells = new uint[4];
    private int _count;
    private int _origin = int.MinValue;

    /// <summary>Active hours recorded.</summary>
    public int Count => _count;

    /// <summary>Memory held, in bytes (cells only).</summary>
    public int SizeBytes => _cells.Length * sizeof(uint);

    /// <summary>Counts one exchange in the hour <paramref name="hour"/> (Unix hours). Hours before the first recorded one by more than 0 are kept; hours beyond the 16-bit range of the first are dropped.</summary>
    public void Add(int hour)
    {
        if (_origin == int.MinValue) _origin = hour;
        int rel = hour - _origin;
        if (rel < 0)
        {
            Rebase(hour);
            rel = 0;
        }
        if (rel > ushort.MaxValue) return;
        if (_count > 0 && (int)(_cells[_count - 1] >> 16) == rel)
        {
            Increment(_count - 1);
            return;
        }
        int at = _count;
        if (_count > 0 && (int)(_cells[_count - 1] >> 16) > rel)
        {
            at = Find(rel);
            if (at < _count && (int)(_cells[at] >> 16) == rel)
            {
                Increment(at);
                return;
            }
        }
        if (_count == _cells.Length) Array.Resize(ref _cells, _cells.Length * 2);
        Array.Copy(_cells, at, _cells, at + 1, _count - at);
        _cells[at] = ((uint)rel << 16) | 1;
        _count++;
    }

    /// <summary>The recorded (Unix hour, exchanges) pairs in hour order.</summary>
    public IEnumerable<(int Hour, int Count)> Cells()
    {
        for (int i = 0; i < _count; i++) yield return (_origin + (int)(_cells[i] >> 16), (int)(_cells[i] & 0xFFFF));
    }

    private void Increment(int i)
    {
        if ((_cells[i] & 0xFFFF) != 0xFFFF) _cells[i]++;
    }

    private int Find(int rel)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if ((int)(_cells[mid] >> 16) < rel) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private void Rebase(int newOrigin)
    {
        int shift = _origin - newOrigin;
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            int rel = (int)(_cells[i] >> 16) + shift;
            if (rel > ushort.MaxValue) break;
            _cells[kept++] = ((uint)rel << 16) | (_cells[i] & 0xFFFF);
        }
        _count = kept;
        _origin = newOrigin;
    }

    /// <summary>Writes the histogram exactly (for shipping a partition's state, <see cref="Engine.PartitionStateCodec"/>).</summary>
    internal void Write(BinaryWriter w)
    {
        w.Write(_origin);
        w.Write(_count);
        for (int i = 0; i < _count; i++) w.Write(_cells[i]);
    }

    /// <summary>Reads a histogram written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The cell count is out of range.</exception>
    internal static HourlyHistogram Read(BinaryReader r)
    {
        var h = new HourlyHistogram { _origin = r.ReadInt32() };
        int count = r.ReadInt32();
        if (count < 0 || count > ushort.MaxValue + 1) throw new InvalidDataException($"hourly histogram: {count} cells");
        h._cells = new uint[Math.Max(4, count)];
        for (int i = 0; i < count; i++) h._cells[i] = r.ReadUInt32();
        h._count = count;
        return h;
    }
}
