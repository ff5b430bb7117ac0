import { get } from '../api';
import type { LiveApproval } from './messages';

const ACTIVE = ['queued', 'running', 'cancelling'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows a run without its stream (after a dropped connection or a reload): polls the run until
 * it ends, reporting its pending approvals on the way. Resolves when the run has ended.
 */
export async function watchRun(runId: string, conversationId: string, onApprovals: (a: LiveApproval[]) => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const run = await get<{ status: string }>(`/api/agents/${runId}`);
      if (!ACTIVE.includes(run.status)) return;
      const pending = await get<{ id: string; conversationId: string; tool: string; display: string }[]>('/api/approvals');
      onApprovals(pending.filter((a) => a.conversationId === conversationId).map((a) => ({ approvalId: a.id, tool: a.tool, display: a.display })));
    } catch {
      // The daemon is unreachable for now: keep trying, more slowly.
    }
    await sleep(Math.min(5000, 1000 + attempt * 250));
  }
}
