namespace OpenMotoko.Events;

/// <summary>Each event type's name, read once from the polymorphic JSON contract so the name is declared in one place.</summary>
internal static class EventNames
{
    private static readonly Dictionary<Type, string> Names =
        EventsJsonContext.Default.AgentEvent.PolymorphismOptions!.DerivedTypes
            .ToDictionary(derived => derived.DerivedType, derived => (string)derived.TypeDiscriminator!);

    public static string Of(AgentEvent e) => Names[e.GetType()];

    public static IEnumerable<string> All => Names.Values;
}
