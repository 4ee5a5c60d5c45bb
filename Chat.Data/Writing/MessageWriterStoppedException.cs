namespace Chat.Data.Writing;

/// <summary>A message arrived after the writer stopped taking messages (the node is shutting down).</summary>
public sealed class MessageWriterStoppedException() : Exception("The message writer has stopped: the node is shutting down.");
