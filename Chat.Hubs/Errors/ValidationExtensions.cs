using System.Text.Json;
using Chat.Contracts;
using FluentValidation;

namespace Chat.Hubs.Errors;

/// <summary>Runs a FluentValidation validator and refuses with <c>invalid</c> and field errors.</summary>
public static class ValidationExtensions
{
    /// <summary>
    /// Validates synchronously: every rule of ours is a plain check of the request's shape, and the
    /// asynchronous pipeline costs a state machine per rule on every send. A rule that needs I/O
    /// belongs in the service, where the database is; FluentValidation throws if one is added here.
    /// </summary>
    public static void EnsureValid<T>(this IValidator<T> validator, T instance)
    {
        var result = validator.Validate(instance);
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
