namespace OpenMotoko.Costs;

internal static partial class CostsLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "LLM call to {Provider}/{Model} refused: {Reason}")]
    public static partial void BudgetRefused(ILogger logger, string provider, string model, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Budget alert: {Period} reached {Percent}% of its limit")]
    public static partial void BudgetAlert(ILogger logger, string period, double percent);
}
