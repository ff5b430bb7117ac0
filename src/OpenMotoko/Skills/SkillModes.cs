using OpenMotoko.Settings;

namespace OpenMotoko.Skills;

/// <summary>The owner's permission mode for a skill: run calls (auto), ask before changes (ask), or never offer (off).</summary>
internal enum SkillMode { Auto, Ask, Off }

/// <summary>Reads <c>skills.&lt;id&gt;.mode</c>; a skill without such a setting runs in auto mode.</summary>
internal sealed class SkillModes(SettingsStore settings)
{
    public static string SettingKey(string skillId) => $"skills.{skillId}.mode";

    public SkillMode ModeOf(string skillId)
    {
        var key = SettingKey(skillId);
        if (!SettingsCatalog.ByKey.ContainsKey(key))
        {
            return SkillMode.Auto;
        }
        return settings.GetString(key) switch
        {
            "ask" => SkillMode.Ask,
            "off" => SkillMode.Off,
            _ => SkillMode.Auto,
        };
    }

    public static string Name(SkillMode mode) => mode switch
    {
        SkillMode.Ask => "ask",
        SkillMode.Off => "off",
        _ => "auto",
    };
}
