using System.ComponentModel.DataAnnotations;

namespace Chat.Data;

/// <summary>How the service reaches and prepares its PostgreSQL database.</summary>
public sealed class ChatDataOptions
{
    public const string SectionName = "Database";

    /// <summary>The connection string, bound from <c>ConnectionStrings:Chat</c>.</summary>
    [Required(ErrorMessage = "ConnectionStrings:Chat is required: set ConnectionStrings__Chat to a PostgreSQL connection string.")]
    public string ConnectionString { get; set; } = "";

    /// <summary>Apply pending migrations at start-up (under an advisory lock). Off when a pipeline migrates.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
