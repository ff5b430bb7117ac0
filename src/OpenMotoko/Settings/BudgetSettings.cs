using System.Text.Json;
using OpenMotoko.Hosting;

namespace OpenMotoko.Settings;

/// <summary>Spending limits in USD (0 means no limit) and the fractions of a limit that raise an alert.</summary>
internal sealed record BudgetSettings(double Daily, double Monthly, IReadOnlyList<double> AlertThresholds)
{
    public static BudgetSettings Default { get; } = new(0, 0, [0.5, 0.8, 0.95]);

    public static BudgetSettings FromJson(JsonElement element) =>
        element.Deserialize(SettingsJsonContext.Default.BudgetSettings) ?? Default;

    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, SettingsJsonContext.Default.BudgetSettings);

    /// <summary>
    /// Applies a partial update (any of daily, monthly, alertThresholds) to <paramref name="current"/>.
    /// Returns the errors, with paths under <paramref name="pathPrefix"/>, or the merged budget.
    /// </summary>
    public static BudgetSettings? Merge(BudgetSettings current, JsonElement patch, string pathPrefix, List<ErrorDetail> errors)
    {
        if (patch.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ErrorDetail("body", pathPrefix.TrimEnd('.') is { Length: > 0 } p ? p : "$", "must be an object with daily, monthly and alertThresholds"));
            return null;
        }
        var daily = current.Daily;
        var monthly = current.Monthly;
        var thresholds = current.AlertThresholds;
        var before = errors.Count;
        foreach (var property in patch.EnumerateObject())
        {
            var path = pathPrefix + property.Name;
            switch (property.Name)
            {
                case "daily":
                    daily = ReadLimit(property.Value, path, errors);
                    break;
                case "monthly":
                    monthly = ReadLimit(property.Value, path, errors);
                    break;
                case "alertThresholds":
                    thresholds = ReadThresholds(property.Value, path, errors);
                    break;
                default:
                    errors.Add(new ErrorDetail("body", path, "is not a budget field (daily, monthly, alertThresholds)"));
                    break;
            }
        }
        return errors.Count == before ? new BudgetSettings(daily, monthly, thresholds) : null;
    }

    private static double ReadLimit(JsonElement value, string path, List<ErrorDetail> errors)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var amount) && double.IsFinite(amount) && amount >= 0 && amount <= 1_000_000_000)
        {
            return amount;
        }
        errors.Add(new ErrorDetail("body", path, "must be a number of USD, 0 or more (0 means no limit)"));
        return 0;
    }

    private static double[] ReadThresholds(JsonElement value, string path, List<ErrorDetail> errors)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > 10)
        {
            errors.Add(new ErrorDetail("body", path, "must be an array of at most 10 fractions"));
            return [];
        }
        var result = new double[value.GetArrayLength()];
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out var fraction) || !(fraction > 0 && fraction <= 1))
            {
                errors.Add(new ErrorDetail("body", $"{path}[{index}]", "must be a fraction greater than 0 and at most 1"));
                return [];
            }
            if (index > 0 && fraction <= result[index - 1])
            {
                errors.Add(new ErrorDetail("body", $"{path}[{index}]", "thresholds must be in ascending order without repeats"));
                return [];
            }
            result[index++] = fraction;
        }
        return result;
    }
}
