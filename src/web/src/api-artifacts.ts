// The artifacts of a conversation (docs/api.md, Artifacts): the list, the versions, one version in full.
import { get, type Page } from './api';

export type ArtifactType = 'markdown' | 'code' | 'html' | 'svg' | 'mermaid' | 'json' | 'text';
export interface ArtifactSummary {
  id: string; conversationId: string | null; type: ArtifactType; title: string; language: string | null;
  version: number; size: number; createdAt: number; updatedAt: number;
}
export interface Artifact extends ArtifactSummary { content: string }
export interface ArtifactVersion { version: number; title: string; size: number; createdAt: number }

export const ARTIFACT_EVENTS = ['artifact:created', 'artifact:updated', 'artifact:deleted'];

export const listArtifacts = (conversationId: string) =>
  get<Page<ArtifactSummary>>(`/api/artifacts?conversationId=${encodeURIComponent(conversationId)}&limit=100`);
export const artifactVersions = (id: string) => get<Page<ArtifactVersion>>(`/api/artifacts/${encodeURIComponent(id)}/versions?limit=100`);
export const artifactAt = (id: string, version: number) => get<Artifact>(`/api/artifacts/${encodeURIComponent(id)}/versions/${version}`);

/** The version as a file: a download, or (inline) the sandboxed page the preview frames. */
export const rawUrl = (id: string, version: number, inline = false) =>
  `/api/artifacts/${encodeURIComponent(id)}/raw?version=${version}${inline ? '&inline=true' : ''}`;
