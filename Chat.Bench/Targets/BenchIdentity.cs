namespace Chat.Bench.Targets;

/// <summary>One simulated user as the target knows it: its id, its token (none on the bare hub) and its node.</summary>
public sealed record BenchIdentity(Guid UserId, string? Token, Uri Node);
