using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using DistillGuard.Core.Profiles;

namespace DistillGuard.Cluster.Batches;

/// <summary>
/// The binary form of a detector log entry (what the durable log stores), little-endian:
/// <c>magic "DGB1" · kind:u8 · sequence:i64 · count:i32 · origin_sequence:i64 · origin_length:u16 · origin_utf8 ·
/// payload_length:i32 · payload</c> (an empty origin means none).
/// An <see cref="BatchKind.Exchanges"/> payload is
/// <c>sources:i32 · (utf8_length:i32 · utf8)* · (source_index:i32 · line_number:i64 · line_length:i32 · line_utf8)*</c>;
/// an <see cref="BatchKind.Accounts"/> payload is a UTF-8 JSON array of <see cref="AccountMetadata"/>.
/// </summary>
public static class ExchangeBatchCodec
{
    private static ReadOnlySpan<byte> Magic => "DGB1"u8;

    /// <summary>Bytes of the entry header before the payload, without the origin's text.</summary>
    public const int HeaderBytes = 4 + 1 + 8 + 4 + 8 + 2 + 4;

    /// <summary>Encodes an entry for the durable log.</summary>
    /// <exception cref="ArgumentException">The origin is longer than 65,535 UTF-8 bytes.</exception>
    public static byte[] Encode(ExchangeBatch batch)
    {
        int originBytes = batch.Origin is null ? 0 : Encoding.UTF8.GetByteCount(batch.Origin);
        if (originBytes > ushort.MaxValue) throw new ArgumentException("origin longer than 65,535 bytes", nameof(batch));
        var bytes = new byte[HeaderBytes + originBytes + batch.Payload.Length];
        Magic.CopyTo(bytes);
        bytes[4] = (byte)batch.Kind;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(5), batch.Sequence);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(13), batch.Count);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(17), batch.OriginSequence);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(25), (ushort)originBytes);
        if (batch.Origin is not null) Encoding.UTF8.GetBytes(batch.Origin, bytes.AsSpan(27));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(27 + originBytes), batch.Payload.Length);
        batch.Payload.CopyTo(bytes.AsSpan(HeaderBytes + originBytes));
        return bytes;
    }

    /// <summary>Decodes an entry read back from the durable log.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an entry of this format (wrong magic, kind or length).</exception>
    public static ExchangeBatch Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderBytes || !bytes[..4].SequenceEqual(Magic))
            throw new InvalidDataException("not a DistillGuard detector log entry (expected the magic \"DGB1\")");
        var kind = (BatchKind)bytes[4];
        if (!Enum.IsDefined(kind)) throw new InvalidDataException($"detector log entry: unknown kind {bytes[4]}");
        int originBytes = BinaryPrimitives.ReadUInt16LittleEndian(bytes[25..]);
        if (bytes.Length < HeaderBytes + originBytes) throw new InvalidDataException("detector log entry: cut short inside its header");
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes[(27 + originBytes)..]);
        int header = HeaderBytes + originBytes;
        if (length != bytes.Length - header)
            throw new InvalidDataException($"detector log entry: payload length {length}, but {bytes.Length - header} bytes follow the header");
        return new ExchangeBatch
        {
            Kind = kind,
            Sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[5..]),
            Count = BinaryPrimitives.ReadInt32LittleEndian(bytes[13..]),
            OriginSequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[17..]),
            Origin = originBytes == 0 ? null : Encoding.UTF8.GetString(bytes.Slice(27, originBytes)),
            Payload = bytes[header..].ToArray(),
        };
    }

    /// <summary>The payload of an <see cref="BatchKind.Accounts"/> entry.</summary>
    public static byte[] EncodeAccounts(AccountMetadata[] accounts) => JsonSerializer.SerializeToUtf8Bytes(accounts);

    /// <summary>The accounts of an <see cref="BatchKind.Accounts"/> payload.</summary>
    /// <exception cref="InvalidDataException">The payload is not a JSON array of account metadata.</exception>
    public static AccountMetadata[] DecodeAccounts(ReadOnlySpan<byte> payload)
    {
        try
        {
            return JsonSerializer.Deserialize<AccountMetadata[]>(payload) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("accounts payload: " + e.Message, e);
        }
    }

    /// <summary>Calls <paramref name="line"/> for every exchange line of an <see cref="BatchKind.Exchanges"/> payload.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="line">Receives (line bytes, source name, line number).</param>
    /// <exception cref="InvalidDataException">The payload is cut short or inconsistent.</exception>
    public static void ForEachLine(ReadOnlySpan<byte> payload, LineAction line)
    {
        try
        {
            int pos = 0;
            int sourceCount = ReadInt32(payload, ref pos);
            var sources = new string[sourceCount];
            for (int i = 0; i < sourceCount; i++)
            {
                int len = ReadInt32(payload, ref pos);
                sources[i] = Encoding.UTF8.GetString(payload.Slice(pos, len));
                pos += len;
            }
            while (pos < payload.Length)
            {
                int source = ReadInt32(payload, ref pos);
                long number = BinaryPrimitives.ReadInt64LittleEndian(payload[pos..]);
                pos += 8;
                int len = ReadInt32(payload, ref pos);
                line(payload.Slice(pos, len), sources[source], number);
                pos += len;
            }
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new InvalidDataException("detector log entry: exchange payload is cut short or inconsistent", e);
        }
    }

    /// <summary>Receives one exchange line of a payload (valid only during the call).</summary>
    public delegate void LineAction(ReadOnlySpan<byte> line, string source, long lineNumber);

    private static int ReadInt32(ReadOnlySpan<byte> s, ref int pos)
    {
        int v = BinaryPrimitives.ReadInt32LittleEndian(s[pos..]);
        pos += 4;
        return v;
    }
}
