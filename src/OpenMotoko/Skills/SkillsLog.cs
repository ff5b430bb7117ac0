namespace OpenMotoko.Skills;

internal static partial class SkillsLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Skill {SkillId} enabled: {Enabled}")]
    public static partial void Toggled(ILogger logger, string skillId, bool enabled);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Refused tool {Tool} of skill {SkillId}: {Reason}")]
    public static partial void Refused(ILogger logger, string tool, string skillId, string reason);
}
