using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels;

/// <summary>The body of PUT /api/channels/:id: {enabled?, config?, dmPolicy?}. The config's keys are checked per channel type.</summary>
internal sealed record ChannelPutRequest(ChannelUpdate Update, IReadOnlyList<ErrorDetail> Problems) : IValidatable
{
    public static async ValueTask<ChannelPutRequest?> BindAsync(HttpContext context)
    {
        var body = await JsonBody.ReadAsync(context, required: true);
        var problems = new List<ErrorDetail>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ErrorDetail("body", "$", "must be a JSON object {enabled?, config?, dmPolicy?}"));
            return new ChannelPutRequest(new ChannelUpdate(null, null, null), problems);
        }
        bool? enabled = null;
        JsonObject? config = null;
        string? policy = null;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "enabled" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    enabled = value.GetBoolean();
                    break;
                case "config" when value.ValueKind == JsonValueKind.Object:
                    config = JsonObject.Create(value);
                    break;
                case "dmPolicy" when value.ValueKind == JsonValueKind.String && DmPolicies.All.Contains(value.GetString()):
                    policy = value.GetString();
                    break;
                case "enabled":
                    problems.Add(new ErrorDetail("body", "enabled", "enabled must be true or false"));
                    break;
                case "config":
                    problems.Add(new ErrorDetail("body", "config", "config must be an object of the channel's settings"));
                    break;
                case "dmPolicy":
                    problems.Add(new ErrorDetail("body", "dmPolicy", "dmPolicy must be \"pairing\", \"allowlist\" or \"open\""));
                    break;
                default:
                    problems.Add(new ErrorDetail("body", property.Name, $"'{property.Name}' is not a channel field; send enabled, config or dmPolicy"));
                    break;
            }
        }
        return new ChannelPutRequest(new ChannelUpdate(enabled, config, policy), problems);
    }

    public void Validate(List<ErrorDetail> errors) => errors.AddRange(Problems);
}
