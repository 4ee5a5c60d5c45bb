using System.Text.Json;
using Chat.Contracts;
using FluentValidation;

namespace Chat.Hubs.Errors;

/// <summary>Runs a FluentValidation validator and refuses with <c>invalid</c> and field errors.</summary>
public static class ValidationExtensions
{
    public static async Task EnsureValidAsync<T>(this IValidator<T> validator, T instance, CancellationToken cancellationToken = default)
    {
        var result = await validator.ValidateAsync(instance, cancellationToken);
        if (result.IsValid)
        {
            return;
        }

        var errors = result.Errors
            .GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray());
        throw new ChatException(ErrorCodes.Invalid, result.Errors[0].ErrorMessage) { Errors = errors };
    }
}
