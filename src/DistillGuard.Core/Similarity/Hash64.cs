using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DistillGuard.Core.Similarity;

/// <summary>64-bit hashing primitives used by every sketch: XXH3 for byte/char strings, MurmurHash3's fmix64 finaliser for mixing.</summary>
public static class Hash64
{
    /// <summary>XXH3-64 of the UTF-16 code units of <paramref name="text"/> with an optional seed (System.IO.Hashing, vectorised).</summary>
    public static ulong Of(ReadOnlySpan<char> text, long seed = 0) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text), seed);

    /// <summary>XXH3-64 of raw bytes.</summary>
    public static ulong Of(ReadOnlySpan<byte> bytes, long seed = 0) => XxHash3.HashToUInt64(bytes, seed);

    /// <summary>MurmurHash3 fmix64 finaliser (Appleby, 2011): a bijective avalanche mix of 64 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }

    /// <summary>Order-dependent combination of two hashes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Combine(ulong a, ulong b) => Mix(BitOperations.RotateLeft(a, 23) * 0x9E3779B97F4A7C15UL ^ b);

    /// <summary>Hash of a tagged value: the tag keeps keys of different kinds (an IP and a user agent with the same text) apart.</summary>
    public static ulong Tagged(byte tag, ReadOnlySpan<char> value) => Of(value, tag * 0x51_7CC1_B727_220AL + 1);
}
