using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Events;

namespace OpenMotoko.Tests.Events;

public sealed class EventBusTests
{
    private sealed class Recorder : IEventSubscriber
    {
        public ConcurrentQueue<string> Heard { get; } = new();

        public ValueTask OnEventAsync(AgentEvent e)
        {
            Heard.Enqueue(e is MessageDelta delta ? delta.Text : e.Type);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Publishes a follow-up at once, and another from work it leaves running in the background.</summary>
    private sealed class Reactor(EventBus bus, Task release) : IEventSubscriber
    {
        public Task? Background { get; private set; }

        public async ValueTask OnEventAsync(AgentEvent e)
        {
            if (e is MessageReceived)
            {
                await bus.PublishAsync(new MessageDelta(EventScope.None, "effect"));
                Background = Task.Run(async () =>
                {
                    await release;
                    await bus.PublishAsync(new MessageDelta(EventScope.None, "later"));
                });
            }
        }
    }

    [Fact]
    public async Task Every_subscriber_hears_a_cause_before_its_effects_and_background_work_is_never_lost()
    {
        await using var app = await TestApp.StartAsync();
        var bus = app.Services.GetRequiredService<EventBus>();
        var release = new TaskCompletionSource();
        var before = new Recorder();
        var reactor = new Reactor(bus, release.Task);
        var after = new Recorder();
        using var first = bus.Subscribe(before);
        using var reacting = bus.Subscribe(reactor);
        using var last = bus.Subscribe(after);

        await bus.PublishAsync(new MessageReceived(EventScope.None, "cause"));
        Assert.Equal(["message:received", "effect"], before.Heard);
        Assert.Equal(["message:received", "effect"], after.Heard); // not the effect first, though it was published before this one heard the cause

        // The background work inherited the delivery's context; the delivery is over, so it delivers on its own.
        release.SetResult();
        await reactor.Background!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["message:received", "effect", "later"], before.Heard);
        Assert.Equal(["message:received", "effect", "later"], after.Heard);
    }
}
