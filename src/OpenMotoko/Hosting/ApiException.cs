namespace OpenMotoko.Hosting;

/// <summary>
/// A failure the caller is told about in the error envelope (status, code, message, details): thrown
/// by any feature (an unknown model, a spent budget, a conversation that is busy) and answered by
/// <see cref="ErrorEnvelopeMiddleware"/>, or, inside a run, stored with the failed turn.
/// </summary>
internal sealed class ApiException(int statusCode, string code, string message, IReadOnlyList<ErrorDetail>? details = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string Code { get; } = code;
    public IReadOnlyList<ErrorDetail>? Details { get; } = details;

    public static ApiException Validation(string field, string path, string message) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.Validation, message, [new ErrorDetail(field, path, message)]);

    public static ApiException Validation(IReadOnlyList<ErrorDetail> details) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.Validation,
            details.Count == 1 ? details[0].Message : $"The request has {details.Count} invalid values.", details);
}
