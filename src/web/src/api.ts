// Typed access to the daemon's API: JSON requests with the session cookie, the error envelope as
// an ApiError, and a reader for the SSE answers of POST .../messages.

export interface ErrorDetail { field: string; path?: string; message: string }

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: ErrorDetail[]) {
    super(message);
  }
}

/** Called when a request answers 401: the session is gone, so the app shows the sign-in screen. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void) { onUnauthorized = handler; }

export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/auth/login') onUnauthorized();
    throw new ApiError(response.status, data?.code ?? 'HTTP_' + response.status, data?.error ?? response.statusText, data?.details);
  }
  return data as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>('GET', path, undefined, signal);

/** One server-sent event: its name and its parsed JSON data. */
export interface SseEvent { event: string; data: unknown }

/**
 * POSTs a JSON body asking for text/event-stream and calls onEvent for each event as it arrives.
 * Resolves with the X-Run-Id header's value once the stream ends (or the signal aborts it).
 */
export async function postStream(path: string, body: unknown, onEvent: (e: SseEvent) => void,
  onStart: (runId: string | null) => void, signal?: AbortSignal): Promise<void> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok || !response.body) {
    const data = await response.json().catch(() => undefined);
    if (response.status === 401) onUnauthorized();
    throw new ApiError(response.status, data?.code ?? 'HTTP_' + response.status, data?.error ?? response.statusText, data?.details);
  }
  onStart(response.headers.get('X-Run-Id'));
  await readSse(response.body, onEvent);
}

/** Parses an SSE byte stream (event:/data: lines, blank line ends an event). Comments and pings are skipped. */
export async function readSse(stream: ReadableStream<Uint8Array>, onEvent: (e: SseEvent) => void): Promise<void> {
  const reader = stream.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        if (data.length) {
          const text = data.join('\n');
          let parsed: unknown = text;
          try { parsed = JSON.parse(text); } catch { /* plain text data stays a string */ }
          onEvent({ event, data: parsed });
        }
        event = 'message';
        data = [];
      } else if (line.startsWith('event:')) {
        event = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
    }
  }
}

// The shapes the screens use (docs/api.md).
export interface Usage { inputTokens: number; outputTokens: number; cost: number }
export interface ToolCall { id: string; name: string; arguments: unknown }
export interface ToolResult { toolCallId: string; name: string; output: string; isError: boolean }
export interface Message {
  id: string; conversationId: string; role: 'user' | 'assistant' | 'tool'; content: string;
  toolCalls?: ToolCall[]; toolResults?: ToolResult[]; model?: string; provider?: string;
  inputTokens?: number; outputTokens?: number; cost?: number; createdAt: number; error?: string; errorCode?: string;
}
export interface Conversation {
  id: string; title: string | null; model: string | null; systemPrompt: string | null;
  channelId: string | null; createdAt: number; updatedAt: number;
}
export interface ConversationDetail extends Conversation { messages: Message[] }
export interface Page<T> { items: T[]; total: number }
export interface ModelInfo { id: string; name: string; contextWindow: number; supportsTools: boolean; inputPricePerMTok: number; outputPricePerMTok: number }
export interface ProviderInfo { id: string; name: string; configured: boolean; models: ModelInfo[]; error?: string }
export type Settings = Record<string, unknown>;
export interface Budget { daily: number; monthly: number; alertThresholds: number[] }
