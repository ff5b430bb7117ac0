import { useState } from 'preact/hooks';
import type { Webhook } from '../api-ops';

/** A read-only value with a Copy button (the clipboard API; selecting the text when it is refused). */
export function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      setState('failed');
    }
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <div class="copy-row">
        <input id={id} readOnly value={value} spellcheck={false} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy}>{state === 'copied' ? 'Copied' : 'Copy'}<span class="sr-only"> {label.toLowerCase()}</span></button>
      </div>
      {state === 'failed' && <p class="hint" role="status">Copying was refused; the text is selected, press Ctrl+C.</p>}
    </div>
  );
}

/** The secret and trigger URL right after create or rotate: the only time the daemon shows the secret. */
export function SecretOnce({ webhook, rotated, onDone }: { webhook: Webhook; rotated: boolean; onDone: () => void }) {
  const example = `curl -X POST -H 'x-webhook-secret: ${webhook.secret}' -H 'content-type: application/json' -d '{"hello":"world"}' ${webhook.triggerUrl}`;
  return (
    <section class="card secret-once" aria-labelledby="secret-title">
      <h2 id="secret-title">{rotated ? 'New secret' : 'Webhook created'}: “{webhook.name}”</h2>
      <p class="warning"><strong>Copy the secret now: it is shown only this once.</strong> If it is lost, rotate it to get a new one.</p>
      <CopyField id="webhook-secret" label="Secret" value={webhook.secret ?? ''} />
      <CopyField id="webhook-url" label="Trigger URL" value={webhook.triggerUrl} />
      <details>
        <summary>How to call it</summary>
        <p class="hint">Send the secret in the <code>x-webhook-secret</code> header, or sign the body with it
          (<code>X-Hub-Signature-256</code>, as GitHub does):</p>
        <pre>{example}</pre>
      </details>
      <button type="button" class="primary" onClick={onDone}>I have copied it</button>
    </section>
  );
}
