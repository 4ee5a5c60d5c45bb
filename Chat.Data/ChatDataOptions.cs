using System.ComponentModel.DataAnnotations;

namespace Chat.Data;

/// <summary>How the service reaches and prepares its PostgreSQL database.</summary>
public sealed class ChatDataOptions
{
    public const string SectionName = "Database";

    /// <summary>The connection string, bound from <c>ConnectionStrings:Chat</c>.</summary>
    [Required(ErrorMessage = "ConnectionStrings:Chat is required: set ConnectionStrings__Chat to a PostgreSQL connection string.")]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The schema owner's connection string, bound from <c>ConnectionStrings:ChatOwner</c>, for
    /// migrations only. Set, the migrations run as the owner, who then makes sure the user of
    /// <see cref="ConnectionString"/> exists with that password and may read and write the tables
    /// and nothing more: the node's queries run with no right to change the schema. Unset, the
    /// migrations run as the user of <see cref="ConnectionString"/>.
    /// </summary>
    public string? OwnerConnectionString { get; set; }

    /// <summary>Apply pending migrations at start-up (under an advisory lock). Off when a pipeline migrates.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
