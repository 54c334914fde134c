using Microsoft.AspNetCore.Mvc;

namespace ClassComms.Platform;

/// <summary>RFC 7807 answers for the sad paths. Messages never echo submitted values (they may be personal).</summary>
public static class Problems
{
    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] },
            title: "The request is invalid.", detail: $"'{field}': {message}");

    public static IResult Invalid(IDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, title: "The request is invalid.",
            detail: string.Join(" ", errors.Select(e => $"'{e.Key}': {string.Join(" ", e.Value)}")));

    /// <summary>404 for what does not exist and for what the caller may not know exists.</summary>
    public static IResult NotFound(string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: $"No such {what}.");

    public static IResult Forbidden(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.", detail: detail);

    public static IResult Conflict(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict.", detail: detail);

    public static IResult Gone(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status410Gone, title: "Gone.", detail: detail);

    public static IResult PreconditionFailed() =>
        Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed.",
            detail: "The resource changed since you read it; reload it and try again.");

    public static IResult Unauthorized() =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.");

    public static ProblemDetails Details(int status, string title, string? detail = null) =>
        new() { Status = status, Title = title, Detail = detail };
}

/// <summary>Collects field errors so a request is rejected as a whole, before anything is written.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new();

    public bool IsValid => _errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public Validation Require(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) return Add(field, "is required.");
        if (value.Length > maxLength) Add(field, $"must be at most {maxLength} characters.");
        if (value.Any(char.IsControl)) Add(field, "must not contain control characters.");
        return this;
    }

    public Validation Optional(string? value, string field, int maxLength)
    {
        if (value is null) return this;
        if (value.Length > maxLength) Add(field, $"must be at most {maxLength} characters.");
        return this;
    }

    public Validation Email(string? value, string field)
    {
        Require(value, field, 254);
        if (!string.IsNullOrWhiteSpace(value))
        {
            var at = value.IndexOf('@');
            if (at < 1 || at == value.Length - 1 || value.Contains(' ')) Add(field, "must be an e-mail address.");
        }

        return this;
    }

    public Validation Password(string? value, string field)
    {
        if (string.IsNullOrEmpty(value)) return Add(field, "is required.");
        if (value.Length < 10) Add(field, "must be at least 10 characters.");
        if (value.Length > 200) Add(field, "must be at most 200 characters.");
        return this;
    }

    public IResult ToResult() => Problems.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}
