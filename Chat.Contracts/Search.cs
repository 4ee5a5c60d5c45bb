namespace Chat.Contracts;

/// <summary>
/// One found message. <see cref="Highlight"/> is HTML-safe: the message's text is escaped and the
/// matches are wrapped in <c>&lt;mark&gt;</c>.
/// </summary>
public sealed record MessageSearchHit(MessageDto Message, string Highlight, double Rank);

/// <summary>A page of search results, best first.</summary>
public sealed record MessageSearchPage(IReadOnlyList<MessageSearchHit> Hits, bool HasMore);
