using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Deploy;

/// <summary>
/// The workflow's promises about the client packages: a version tag publishes what the tests
/// passed on, with the version the tag names, and deploys nothing.
/// </summary>
public sealed partial class PackagePublishingWorkflowTests
{
    private static readonly string Workflow = File.ReadAllText(
        Path.Combine(Checkout.Root, ".github", "workflows", "deploy.yml"));

    [Fact]
    public void A_version_tag_publishes_both_packages_after_the_tests_and_does_not_deploy()
    {
        var publish = Job("publish-packages");
        var deploy = Job("deploy");

        Assert.Matches(@"tags: \[""v\*""\]", Workflow);
        Assert.Contains("needs: build-test", publish, StringComparison.Ordinal);
        Assert.Contains("if: startsWith(github.ref, 'refs/tags/v')", publish, StringComparison.Ordinal);
        Assert.Contains("bash scripts/pack.sh artifacts/packages", publish, StringComparison.Ordinal);
        Assert.Contains("dotnet nuget push", publish, StringComparison.Ordinal);
        Assert.Contains("npm publish", publish, StringComparison.Ordinal);
        Assert.Contains("packages: write", publish, StringComparison.Ordinal);
        Assert.Contains("if: github.ref == 'refs/heads/main'", deploy, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_job_that_packs_sees_the_tags_the_version_is_read_from()
    {
        // A shallow checkout has no tags: the packages would come out as -dev versions.
        foreach (var job in new[] { "build-test", "publish-packages" })
        {
            Assert.Contains("fetch-depth: 0", Job(job), StringComparison.Ordinal);
        }
    }

    /// <summary>The text of one job, from its name to the next job's.</summary>
    private static string Job(string name)
    {
        var jobs = JobHeader().Matches(Workflow).ToList();
        var start = jobs.FindIndex(m => m.Groups[1].Value == name);
        Assert.True(start >= 0, $"the workflow has no job {name}");
        var end = start + 1 < jobs.Count ? jobs[start + 1].Index : Workflow.Length;
        return Workflow[jobs[start].Index..end];
    }

    [GeneratedRegex(@"^  ([a-z-]+):\s*$", RegexOptions.Multiline)]
    private static partial Regex JobHeader();
}
