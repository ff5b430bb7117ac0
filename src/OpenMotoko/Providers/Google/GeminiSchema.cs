using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenMotoko.Providers.Google;

/// <summary>
/// Gemini accepts an OpenAPI-style subset of JSON Schema and rejects the rest with a 400
/// (additionalProperties, $schema, $ref, const, type arrays, most formats). This keeps what it knows.
/// </summary>
internal static class GeminiSchema
{
    private static readonly HashSet<string> Kept =
    [
        "type", "format", "title", "description", "nullable", "enum", "items", "properties", "required",
        "minItems", "maxItems", "minProperties", "maxProperties", "minLength", "maxLength", "pattern",
        "minimum", "maximum", "anyOf", "propertyOrdering", "default", "example",
    ];

    private static readonly HashSet<string> StringFormats = ["enum", "date-time"];
    private static readonly HashSet<string> NumberFormats = ["int32", "int64", "float", "double"];

    /// <summary>The tool's input schema as Gemini parameters, or null when it takes no arguments.</summary>
    public static JsonObject? ToParameters(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var result = Clean(schema);
        return result["properties"] is JsonObject { Count: > 0 } ? result : null;
    }

    private static JsonObject Clean(JsonElement schema)
    {
        var result = new JsonObject();
        foreach (var property in schema.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "type" when value.ValueKind == JsonValueKind.Array:
                    // ["string", "null"] becomes type string, nullable.
                    var types = value.EnumerateArray().Select(t => t.GetString()).ToList();
                    if (types.FirstOrDefault(t => t != "null") is { } type)
                    {
                        result["type"] = type;
                    }
                    if (types.Contains("null"))
                    {
                        result["nullable"] = true;
                    }
                    break;
                case "const":
                    result["enum"] = new JsonArray(JsonValue.Create(value.ToString()));
                    break;
                case "properties" when value.ValueKind == JsonValueKind.Object:
                    var properties = new JsonObject();
                    foreach (var child in value.EnumerateObject())
                    {
                        properties[child.Name] = child.Value.ValueKind == JsonValueKind.Object ? Clean(child.Value) : new JsonObject();
                    }
                    result["properties"] = properties;
                    break;
                case "items" when value.ValueKind == JsonValueKind.Object:
                    result["items"] = Clean(value);
                    break;
                case "anyOf" when value.ValueKind == JsonValueKind.Array:
                    result["anyOf"] = new JsonArray([.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Object).Select(v => (JsonNode)Clean(v))]);
                    break;
                case "enum" when value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String):
                case "format" when value.ValueKind == JsonValueKind.String && KeepFormat(schema, value.GetString()!):
                case var name when name is not ("enum" or "format" or "items" or "anyOf" or "properties") && Kept.Contains(name):
                    result[property.Name] = JsonNode.Parse(value.GetRawText());
                    break;
            }
        }
        return result;
    }

    private static bool KeepFormat(JsonElement schema, string format) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() switch
        {
            "string" => StringFormats.Contains(format),
            "number" or "integer" => NumberFormats.Contains(format),
            _ => false,
        };
}
