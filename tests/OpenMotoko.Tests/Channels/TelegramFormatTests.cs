using OpenMotoko.Channels.Telegram;

namespace OpenMotoko.Tests.Channels;

public sealed class TelegramFormatTests
{
    [Theory]
    [InlineData("a < b && c > d", "a &lt; b &amp;&amp; c &gt; d")]
    [InlineData("**bold** and *italic* and _also_ and ~~gone~~", "<b>bold</b> and <i>italic</i> and <i>also</i> and <s>gone</s>")]
    [InlineData("use `x < 1` here", "use <code>x &lt; 1</code> here")]
    [InlineData("snake_case_name stays", "snake_case_name stays")]
    [InlineData("[docs](https://example.com/a?b=1&c=2)", "<a href=\"https://example.com/a?b=1&amp;c=2\">docs</a>")]
    [InlineData("[bad](javascript:alert(1))", "[bad](javascript:alert(1))")]
    [InlineData("# Title", "<b>Title</b>")]
    [InlineData("one ` backtick", "one ` backtick")]
    [InlineData("```python\nif a < b:\n    print('**no**')\n```", "<pre><code class=\"language-python\">if a &lt; b:\n    print('**no**')</code></pre>")]
    [InlineData("```\nunclosed <", "<pre>unclosed &lt;</pre>")]
    public void Markdown_becomes_escaped_telegram_html(string markdown, string html) =>
        Assert.Equal(html, TelegramHtml.FromMarkdown(markdown));

    [Fact]
    public void Splits_on_paragraphs_and_keeps_code_blocks_whole_when_it_can()
    {
        var code = "```\n" + string.Join("\n", Enumerable.Range(0, 40).Select(i => $"line {i} " + new string('c', 40))) + "\n```";
        var text = new string('a', 2500) + "\n\n" + code + "\n\n" + new string('b', 100);
        var parts = TelegramSplitter.Split(text);
        Assert.Equal(2, parts.Count);
        Assert.Equal(new string('a', 2500), parts[0]);
        Assert.StartsWith("```", parts[1], StringComparison.Ordinal);
        Assert.All(parts, p => Assert.True(p.Length <= TelegramSplitter.Limit));
    }

    [Fact]
    public void A_code_block_too_long_for_one_message_is_closed_and_reopened()
    {
        var code = "```js\n" + string.Join("\n", Enumerable.Range(0, 300).Select(i => $"let v{i} = {i};  // {new string('x', 20)}")) + "\n```";
        var parts = TelegramSplitter.Split(code);
        Assert.True(parts.Count >= 2);
        Assert.All(parts, p =>
        {
            Assert.True(p.Length < TelegramSplitter.MaxMessage);
            Assert.StartsWith("```js", p, StringComparison.Ordinal);
            Assert.EndsWith("```", p, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Text_without_breaks_is_cut_at_spaces_or_at_the_limit()
    {
        Assert.All(TelegramSplitter.Split(string.Join(' ', Enumerable.Repeat("word", 3000))), p => Assert.True(p.Length <= TelegramSplitter.Limit));
        var solid = TelegramSplitter.Split(new string('z', 9000));
        Assert.Equal(9000, solid.Sum(p => p.Length));
        Assert.Equal("", string.Join("", TelegramSplitter.Split("")));
    }
}
