using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistillGuard.Simulation.Scenarios;

/// <summary>A closed range <c>[min, max]</c>, written in scenario files as a two-element array (or one number for a fixed value).</summary>
[JsonConverter(typeof(ValueRangeConverter))]
public readonly record struct ValueRange(double Min, double Max)
{
    /// <summary>A uniform draw in the range.</summary>
    public double Uniform(Random r) => Min + r.NextDouble() * (Max - Min);

    /// <summary>A log-uniform draw (Min must be positive): heavy-tailed counts such as exchanges per user.</summary>
    public double LogUniform(Random r) => Min <= 0 ? Uniform(r) : Math.Exp(Math.Log(Min) + r.NextDouble() * (Math.Log(Max) - Math.Log(Min)));

    /// <summary>A uniform integer draw in <c>[Min, Max]</c>.</summary>
    public int Int(Random r) => (int)Math.Floor(Min + r.NextDouble() * (Max - Min + 1 - 1e-9));

    /// <summary>The midpoint.</summary>
    public double Mean => (Min + Max) / 2;
}

/// <summary>Reads <c>[min, max]</c> or a single number.</summary>
public sealed class ValueRangeConverter : JsonConverter<ValueRange>
{
    /// <inheritdoc />
    public override ValueRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number) { var v = reader.GetDouble(); return new ValueRange(v, v); }
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected [min, max] or a number");
        reader.Read();
        double min = reader.GetDouble();
        reader.Read();
        double max = reader.GetDouble();
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndArray) throw new JsonException("expected [min, max]");
        if (max < min) throw new JsonException($"range [{min}, {max}] has max below min");
        return new ValueRange(min, max);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ValueRange value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Min);
        writer.WriteNumberValue(value.Max);
        writer.WriteEndArray();
    }
}
