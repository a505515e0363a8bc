using System.Runtime.CompilerServices;
using DistillGuard.Core.Signals;

namespace DistillGuard.Core.Profiles;

/// <summary>One float per signal, stored inline in the profile.</summary>
[InlineArray(SignalKinds.Count)]
public struct SignalFloats
{
    private float _element;
}

/// <summary>One counter per signal, stored inline in the profile.</summary>
[InlineArray(SignalKinds.Count)]
public struct SignalCounters
{
    private int _element;
}

/// <summary>Exchanges per UTC hour of day, stored inline in the profile.</summary>
[InlineArray(24)]
public struct HourCounters
{
    private int _element;
}

/// <summary>Template keys of the space-saving table, stored inline.</summary>
[InlineArray(AccountProfile.TemplateSlots)]
public struct TemplateKeyBuffer
{
    private ulong _element;
}

/// <summary>Template counts of the space-saving table, stored inline.</summary>
[InlineArray(AccountProfile.TemplateSlots)]
public struct TemplateCountBuffer
{
    private int _element;
}

/// <summary>Indicator keys of the account, stored inline.</summary>
[InlineArray(AccountProfile.MaxIndicators)]
public struct IndicatorKeyBuffer
{
    private ulong _element;
}

/// <summary>16 HyperLogLog registers, stored inline.</summary>
[InlineArray(16)]
public struct Registers16
{
    private byte _element;
}
