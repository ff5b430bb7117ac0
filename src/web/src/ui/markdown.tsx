import { Marked } from 'marked';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { useMemo } from 'preact/hooks';

for (const [name, language] of Object.entries({ bash, csharp, css, javascript, json, python, sql, typescript, xml, yaml })) {
  hljs.registerLanguage(name, language);
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Code blocks: coloured by highlight.js (class names only), with a copy button the container handles.
const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code({ text, lang }) {
      const language = (lang ?? '').split(/\s/)[0].toLowerCase();
      const body = language && hljs.getLanguage(language) ? hljs.highlight(text, { language, ignoreIllegals: true }).value : escape(text);
      return `<div class="code"><button type="button" class="copy" aria-label="Copy code">Copy</button><pre><code class="hljs">${body}</code></pre></div>`;
    },
  },
});

// Everything the model or a tool wrote is untrusted: sanitised, no styles (the CSP forbids inline
// styles), links open outside the app.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false });
  return DOMPurify.sanitize(html, { FORBID_ATTR: ['style'], FORBID_TAGS: ['style', 'form', 'input', 'textarea', 'select'] });
}

/** Code coloured by highlight.js when it knows the language (class names only), sanitised, for a <code class="hljs">. */
export function highlightCode(text: string, language: string | null): string {
  const name = (language ?? '').toLowerCase();
  const html = name && hljs.getLanguage(name) ? hljs.highlight(text, { language: name, ignoreIllegals: true }).value : escape(text);
  return DOMPurify.sanitize(html, { ALLOWED_TAGS: ['span'], ALLOWED_ATTR: ['class'] });
}

function onCopy(event: MouseEvent) {
  const button = (event.target as HTMLElement).closest('button.copy');
  const code = button?.parentElement?.querySelector('code');
  if (!button || !code) return;
  navigator.clipboard?.writeText(code.textContent ?? '').then(() => { button.textContent = 'Copied'; }, () => { button.textContent = 'Copy failed'; });
}

/** Markdown from an untrusted source, rendered and sanitised. */
export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div class="markdown" onClick={onCopy} dangerouslySetInnerHTML={{ __html: html }} />;
}
