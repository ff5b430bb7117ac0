using System.Text.Json.Serialization;

namespace OpenMotoko.Hosting;

internal static class JsonContexts
{
    /// <summary>Adds a feature's source-generated JSON contract to the API's (the feature's AddX calls it for its own types).</summary>
    public static IServiceCollection AddJsonContext(this IServiceCollection services, JsonSerializerContext context) =>
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, context));
}
