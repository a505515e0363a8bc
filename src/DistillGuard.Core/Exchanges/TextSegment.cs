namespace DistillGuard.Core.Exchanges;

/// <summary>
/// One text segment of a request: a range of characters in the owning <see cref="Exchange"/>'s text arena.
/// </summary>
/// <param name="Role">Who wrote the text.</param>
/// <param name="MessageIndex">Zero-based index of the message it came from (system text uses -1).</param>
/// <param name="Start">Offset of the first character in the arena.</param>
/// <param name="Length">Length in UTF-16 characters.</param>
public readonly record struct TextSegment(MessageRole Role, int MessageIndex, int Start, int Length);
