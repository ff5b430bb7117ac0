import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { describe, type Channel, type ChannelStatus, type Plugin } from '../api-connect';
import { ChannelCard } from '../ui/channel-card';
import { PluginsPanel } from '../ui/channel-plugins';
import '../connect.css';

interface ChannelEvent { type: string; createdAt?: number; data?: { channelId?: string; status?: ChannelStatus; error?: string | null; direction?: string } }

/** Channels: each chat channel's status, settings, who may talk to it and pairing; then the installed plugins. */
export function Channels() {
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [plugins, setPlugins] = useState<Plugin[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [ticks, setTicks] = useState<Record<string, number>>({});

  const load = async () => {
    try {
      const [list, installed] = await Promise.all([get<Channel[]>('/api/channels'), get<Plugin[]>('/api/channel-plugins')]);
      setChannels(list);
      setPlugins(installed);
      setError(null);
    } catch (e) { setError(describe(e)); }
  };

  useEffect(() => {
    load();
    // Live status: channel:status changes the badge at once; any channel event may mean a new pairing request.
    const source = new EventSource('/api/events?types=channel:*');
    const onEvent = (message: MessageEvent<string>) => {
      let event: ChannelEvent;
      try { event = JSON.parse(message.data); } catch { return; }
      const id = event.data?.channelId;
      if (!id) return;
      if (event.type === 'channel:status' && event.data?.status) {
        const { status, error: lastError = null } = event.data;
        setChannels((list) => list && list.map((c) => c.id === id ? { ...c, status, lastError } : c));
        setPlugins((list) => list.map((p) => p.id === id ? { ...p, status, lastError } : p));
        load(); // a plugin's hello (name, settings) comes with its first status
      }
      if (event.type === 'channel:message' && event.data?.direction === 'in' && event.createdAt) {
        const at = event.createdAt;
        setChannels((list) => list && list.map((c) => c.id === id ? { ...c, lastMessageAt: at } : c));
      }
      setTicks((t) => ({ ...t, [id]: (t[id] ?? 0) + 1 }));
    };
    source.addEventListener('channel:status', onEvent);
    source.addEventListener('channel:message', onEvent);
    return () => source.close();
  }, []);

  const replace = (next: Channel) => setChannels((list) => list && list.map((c) => c.id === next.id ? next : c));

  return (
    <main class="page" aria-labelledby="channels-title">
      <h1 id="channels-title">Channels</h1>
      <p class="hint">Talk to the agent from chat apps. Every channel answers only the senders its policy lets in.</p>
      {error && <p class="error" role="alert">{error}</p>}
      {channels === null ? <p aria-busy="true">Loading…</p>
        : channels.map((c) => <ChannelCard key={c.id} channel={c} tick={ticks[c.id] ?? 0}
          schema={plugins.find((p) => p.id === c.id)?.configSchema?.properties} onSaved={replace} />)}
      <PluginsPanel plugins={plugins} onChanged={load} />
    </main>
  );
}
