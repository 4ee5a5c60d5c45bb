using Chat.Bench.Targets;

namespace Chat.Tests.Unit;

/// <summary>Reading the runtime's allocation counter out of a Prometheus scrape.</summary>
public sealed class AllocatedBytesTests
{
    [Fact]
    public void Reads_the_counter_with_or_without_labels_and_a_timestamp()
    {
        Assert.Equal(12345, AllocatedBytes.Parse("# TYPE x counter\ndotnet_gc_heap_total_allocated_bytes_total 12345\n"));
        Assert.Equal(
            2_500_000_000,
            AllocatedBytes.Parse("dotnet_gc_heap_total_allocated_bytes_total{otel_scope_name=\"System.Runtime\"} 2.5e9 1733400000000\n"));
    }

    [Fact]
    public void A_scrape_without_the_counter_or_with_a_longer_name_reads_as_none()
    {
        Assert.Null(AllocatedBytes.Parse("dotnet_gc_heap_total_allocated_bytes_total_other 5\nhttp_requests_total 3\n"));
    }
}
