import type { Message, ToolCall } from '../api';
import { api } from '../api';
import { Markdown } from './markdown';

export interface LiveTool { id: string; name: string; arguments: unknown; output?: string; isError?: boolean }
export interface LiveApproval { approvalId: string; tool: string; display: string; decided?: 'approved' | 'denied' }

const args = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/** A tool call folded under its message: name in the summary, arguments and result inside. */
export function ToolFold({ call, output, isError }: { call: ToolCall | LiveTool; output?: string; isError?: boolean }) {
  return (
    <details class={isError ? 'tool failed' : 'tool'}>
      <summary>Tool <code>{call.name}</code>{output === undefined ? ' (running…)' : isError ? ' (failed)' : ''}</summary>
      <p class="label">Arguments</p>
      <pre>{args(call.arguments)}</pre>
      {output !== undefined && <><p class="label">Result</p><pre>{output}</pre></>}
    </details>
  );
}

/** An approval request in place, with Approve and Deny. */
export function ApprovalCard({ approval, onDecided }: { approval: LiveApproval; onDecided: (approved: boolean) => void }) {
  const decide = async (approve: boolean) => {
    await api('POST', `/api/approvals/${approval.approvalId}`, { approve }).catch(() => undefined);
    onDecided(approve);
  };
  return (
    <div class="approval" role="group" aria-label={`Approval for ${approval.tool}`}>
      <p>The agent wants to run <code>{approval.tool}</code>:</p>
      <pre>{approval.display}</pre>
      {approval.decided ? <p class="hint">{approval.decided === 'approved' ? 'Approved.' : 'Denied.'}</p> : (
        <div class="row">
          <button type="button" class="primary" onClick={() => decide(true)}>Approve</button>
          <button type="button" onClick={() => decide(false)}>Deny</button>
        </div>
      )}
    </div>
  );
}

export function Usage({ m }: { m: Pick<Message, 'model' | 'inputTokens' | 'outputTokens' | 'cost'> }) {
  if (m.inputTokens === undefined && m.cost === undefined) return null;
  return (
    <p class="usage">
      {m.model && <span>{m.model}</span>}
      <span>{(m.inputTokens ?? 0).toLocaleString()} in / {(m.outputTokens ?? 0).toLocaleString()} out tokens</span>
      <span>${(m.cost ?? 0).toFixed(4)}</span>
    </p>
  );
}

/** The stored messages: user and assistant turns, each assistant turn with its tool calls and their results. */
export function MessageList({ messages }: { messages: Message[] }) {
  const results = new Map<string, { output: string; isError: boolean }>();
  for (const m of messages) for (const r of m.toolResults ?? []) results.set(r.toolCallId, r);
  return (
    <>
      {messages.filter((m) => m.role !== 'tool').map((m) => (
        <article key={m.id} class={`message ${m.role}`} aria-label={m.role === 'user' ? 'You' : 'Assistant'}>
          {m.role === 'user' ? <p class="plain">{m.content}</p> : m.content && <Markdown text={m.content} />}
          {m.toolCalls?.map((call) => <ToolFold key={call.id} call={call} output={results.get(call.id)?.output} isError={results.get(call.id)?.isError} />)}
          {m.error && <p class="error" role="alert">{m.error}</p>}
          {m.role === 'assistant' && <Usage m={m} />}
        </article>
      ))}
    </>
  );
}
