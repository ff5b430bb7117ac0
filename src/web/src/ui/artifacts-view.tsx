import { useEffect, useState } from 'preact/hooks';
import { artifactAt, artifactVersions, rawUrl, type Artifact, type ArtifactSummary, type ArtifactVersion } from '../api-artifacts';
import { highlightCode, Markdown } from './markdown';

/** One artifact at a chosen version (the latest unless picked), shown by its type, with a download. */
export function ArtifactView({ summary }: { summary: ArtifactSummary }) {
  const [versions, setVersions] = useState<ArtifactVersion[]>([]);
  const [version, setVersion] = useState(summary.version);
  const [artifact, setArtifact] = useState<Artifact | null>(null);
  const [error, setError] = useState<string | null>(null);

  // A new version arrived: show it, and list it.
  useEffect(() => {
    setVersion(summary.version);
    artifactVersions(summary.id).then((page) => setVersions(page.items)).catch(() => undefined);
  }, [summary.id, summary.version]);
  useEffect(() => {
    let live = true;
    setError(null);
    artifactAt(summary.id, version).then((a) => { if (live) setArtifact(a); }, (e: Error) => { if (live) setError(e.message); });
    return () => { live = false; };
  }, [summary.id, version]);

  const when = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <section class="artifact" aria-labelledby="artifact-title" aria-busy={!artifact || artifact.version !== version}>
      <h3 id="artifact-title">{artifact?.title ?? summary.title}</h3>
      <div class="row">
        <label class="inline">
          <span>Version</span>
          <select value={String(version)} onChange={(e) => setVersion(Number((e.currentTarget as HTMLSelectElement).value))}>
            {(versions.length ? versions : [{ version: summary.version, createdAt: summary.updatedAt }]).map((v) => (
              <option key={v.version} value={String(v.version)}>
                v{v.version}{v.version === summary.version ? ' (latest)' : ''} · {when(v.createdAt)}
              </option>
            ))}
          </select>
        </label>
        <a class="button" href={rawUrl(summary.id, version)} download>Download</a>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {artifact && <ArtifactBody artifact={artifact} />}
    </section>
  );
}

function ArtifactBody({ artifact }: { artifact: Artifact }) {
  switch (artifact.type) {
    case 'markdown':
      return <Markdown text={artifact.content} />;
    case 'html':
    case 'svg':
      // Rendered by the daemon's raw route inside a frame sandboxed without scripts or our origin.
      return (
        <>
          <iframe class="artifact-frame" sandbox="" referrerpolicy="no-referrer"
            src={rawUrl(artifact.id, artifact.version, true)} title={`Preview of ${artifact.title}`} />
          <details class="artifact-source">
            <summary>Source</summary>
            <Code text={artifact.content} language="xml" />
          </details>
        </>
      );
    case 'mermaid':
      return <><p class="hint">Mermaid diagram, shown as its source.</p><Code text={artifact.content} language={null} /></>;
    case 'json':
      return <Code text={pretty(artifact.content)} language="json" />;
    case 'code':
      return <Code text={artifact.content} language={artifact.language} />;
    default:
      return <pre class="artifact-text">{artifact.content}</pre>;
  }
}

function Code({ text, language }: { text: string; language: string | null }) {
  return <pre class="artifact-code"><code class="hljs" dangerouslySetInnerHTML={{ __html: highlightCode(text, language) }} /></pre>;
}

function pretty(json: string): string {
  try { return JSON.stringify(JSON.parse(json), null, 2); } catch { return json; }
}
