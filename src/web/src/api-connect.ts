// The shapes of the Skills, Registry, Channels and Channel plugins APIs (docs/api.md, docs/registry.md).
import { ApiError } from './api';

export interface SkillTool { name: string; description: string }
export interface Skill {
  id: string; name: string; description: string; version: string; source: 'builtin' | 'registry'; enabled: boolean;
  tools: SkillTool[]; capabilities: string[]; risk: 'low' | 'medium' | 'high' | 'critical'; mode: 'auto' | 'ask' | 'off'; error?: string;
}

export interface RegistryEntry {
  id: string; name: string; description: string; version: string; author: string; tags: string[]; verified: boolean;
  rating: number; downloads: number; size: number; installed: boolean; installedVersion: string | null;
}
export interface RegistrySearch { entries: RegistryEntry[]; total: number; fetchedAt: number; stale: boolean }

export type ChannelStatus = 'stopped' | 'starting' | 'running' | 'error';
export type DmPolicy = 'pairing' | 'allowlist' | 'open';
export interface Channel {
  id: string; type: 'telegram' | 'plugin'; name: string; enabled: boolean; status: ChannelStatus; lastError: string | null;
  lastMessageAt: number | null; dmPolicy: DmPolicy; config: Record<string, unknown>;
}
export interface Sender {
  channelId: string; senderId: string; name: string | null; chatId: string; status: 'pending' | 'approved';
  createdAt: number; approvedAt: number | null; codeExpiresAt: number | null;
}

export interface SchemaField { type?: string; description?: string; enum?: unknown[]; secret?: boolean; writeOnly?: boolean }
export interface Plugin {
  id: string; source: 'path' | 'npm'; package: string | null; path: string; command: string[]; name: string | null; version: string | null;
  configSchema: { properties?: Record<string, SchemaField> } | null; installedAt: number; status: ChannelStatus; lastError: string | null;
}

/** An error as one line for the person: the validation details when there are any, else the message. */
export function describe(error: unknown): string {
  if (error instanceof ApiError && error.details?.length) return error.details.map((d) => d.message).join('; ');
  return (error as Error).message;
}

/** The validation messages of an error by the field path they name (config.botToken, dmPolicy, ...). */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError) for (const d of error.details ?? []) if (d.path) out[d.path] = d.message;
  return out;
}

export const when = (ms: number | null | undefined) => (ms ? new Date(ms).toLocaleString() : 'never');
