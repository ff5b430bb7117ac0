// The shapes of the Scheduler, Agents, Activity and Webhooks APIs (docs/api.md), as the ops screens use them.

export interface DeliverTo { channel: string; chatId: string }

export interface ScheduledTask {
  id: string; name: string; description: string | null; cron: string | null; runAt: number | null; timezone: string;
  handler: 'agent' | 'backup'; payload: { prompt?: string; model?: string; conversationId?: string; deliverTo?: DeliverTo; keep?: number };
  enabled: boolean; status: string; lastRunAt: number | null; nextRunAt: number | null; retryCount: number;
  maxRetries: number; timeoutSec: number; createdAt: number; updatedAt: number;
}

export interface TaskRun {
  id: string; taskId: string; trigger: 'schedule' | 'manual' | 'retry' | 'catch-up';
  status: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped'; startedAt: number; finishedAt: number | null;
  durationMs: number | null; output: string | null; error: string | null; conversationId: string | null; cost: number;
}

export interface SchedulePreview { next: number[]; timezone: string }

export interface AgentRun {
  id: string; parentId: string | null; conversationId: string; name: string | null; task: string; model: string | null;
  status: 'queued' | 'running' | 'cancelling' | 'completed' | 'failed' | 'cancelled'; reason: string | null; depth: number;
  budgetUsd: number | null; spentUsd: number; startedAt: number; finishedAt: number | null; output: string | null;
}
export interface AgentRunDetail extends AgentRun { children: AgentRun[] }

/** Runs that can still be killed. */
export const LIVE_RUN = ['queued', 'running', 'cancelling'];

export interface ActivityItem {
  id: string; type: string; conversationId: string | null; channel: string | null; skillId: string | null;
  data: Record<string, unknown>; createdAt: number;
}

/** Every event type of the activity feed (docs/api.md, Activity and Channels). */
export const EVENT_TYPES = [
  'message:received', 'message:sent', 'run:failed', 'llm:complete', 'tool:called', 'tool:result',
  'approval:requested', 'approval:decided', 'cost:updated', 'budget:alert',
  'scheduler:started', 'scheduler:completed', 'scheduler:failed',
  'artifact:created', 'artifact:updated', 'artifact:deleted', 'webhook:triggered', 'gmail:received',
  'agent:spawned', 'agent:completed', 'agent:failed', 'channel:message', 'channel:status',
];

/** Where a turn can come from (the `channel` of an event); chat channels are added from /api/channels. */
export const SOURCES = ['api', 'scheduler', 'webhook', 'agent', 'v1'];

export interface Webhook {
  id: string; name: string; secretHint?: string; secret?: string; enabled: boolean; targetConversationId: string | null;
  model: string | null; prompt: string | null; deliverTo: DeliverTo | null; triggerUrl: string; lastTriggeredAt: number | null; createdAt: number;
}

export interface Channel { id: string; type: string; name: string; enabled: boolean; status: string }
export interface Skill { id: string; name: string }
