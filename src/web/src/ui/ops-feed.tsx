import type { ActivityItem } from '../api-ops';
import { navigate } from '../router';
import { clock, usd } from './ops-format';

const text = (value: unknown, max = 160) => {
  const s = typeof value === 'string' ? value : value == null ? '' : JSON.stringify(value);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
};

/** One line saying what happened, from the event's data (shown as text, never as HTML). */
export function summary(item: ActivityItem): string {
  const d = item.data ?? {};
  switch (item.type) {
    case 'message:received': return `“${text(d.preview)}”`;
    case 'message:sent': return `Answered with ${d.model} (${d.length} characters, ${usd(d.cost as number)})`;
    case 'run:failed': return `${d.code}: ${text(d.error)}`;
    case 'llm:complete': return `${d.provider}/${d.model}: ${d.inputTokens} in, ${d.outputTokens} out, ${usd(d.cost as number)}`;
    case 'tool:called': return `${d.tool} ${text(d.arguments, 120)}`;
    case 'tool:result': return `${d.tool}${d.isError ? ' failed' : ''}: ${text(d.output, 120)}`;
    case 'approval:requested': return `${d.tool} waits for approval`;
    case 'approval:decided': return `${d.tool}: ${d.outcome}`;
    case 'cost:updated': return `${usd(d.cost as number)} (today ${usd(d.todayTotal as number)})`;
    case 'budget:alert': return text(d.message);
    case 'scheduler:started': return `${d.taskName} started (${d.trigger})`;
    case 'scheduler:completed': return `${d.taskName} completed`;
    case 'scheduler:failed': return `${d.taskName} ${d.status}: ${text(d.error)}`;
    case 'webhook:triggered': return `${d.name} (${d.bytes} bytes, by ${d.verifiedBy})`;
    case 'gmail:received': return `${d.emailAddress}: ${d.messages} new`;
    case 'agent:spawned': return `${d.name ?? 'Sub-agent'}: ${text(d.taskPreview, 120)}`;
    case 'agent:completed': return `Sub-agent answered (${d.length} characters, ${usd(d.spentUsd as number)})`;
    case 'agent:failed': return `Sub-agent ${d.status} (${d.reason})`;
    case 'channel:message': return `${d.channelId} ${d.direction === 'in' ? 'received' : 'sent'} ${d.length} characters`;
    case 'channel:status': return `${d.channelId} is ${d.status}${d.error ? `: ${text(d.error)}` : ''}`;
    default:
      if (item.type.startsWith('artifact:')) return `${d.title} (v${d.version})`;
      return text(d);
  }
}

/** An event of the feed: when, what, where from, a summary and the full data on demand. */
export function FeedItem({ item, fresh }: { item: ActivityItem; fresh: boolean }) {
  const conversation = item.conversationId;
  return (
    <li class={`feed-item${fresh ? ' fresh' : ''}`}>
      <p class="feed-head">
        <time dateTime={new Date(item.createdAt).toISOString()}>{clock(item.createdAt)}</time>
        <code class="feed-type">{item.type}</code>
        {item.channel && <span class="tag">{item.channel}</span>}
        {item.skillId && <span class="tag">{item.skillId}</span>}
        {conversation && <a href={`/chat/${conversation}`} onClick={(e) => { e.preventDefault(); navigate(`/chat/${conversation}`); }}>Conversation</a>}
      </p>
      <p class="feed-summary">{summary(item)}</p>
      <details>
        <summary>Data</summary>
        <pre>{JSON.stringify(item.data, null, 2)}</pre>
      </details>
    </li>
  );
}
