import { useState } from 'preact/hooks';
import type { Conversation } from '../api';
import { navigate } from '../router';

interface Props {
  items: Conversation[];
  current: string | null;
  onNew: () => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
}

/** The conversation list: filter by title, new, rename, delete. */
export function ConversationList({ items, current, onNew, onRename, onDelete }: Props) {
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const needle = filter.trim().toLowerCase();
  const shown = needle ? items.filter((c) => (c.title ?? '').toLowerCase().includes(needle)) : items;

  return (
    <nav class="conversations" aria-label="Conversations">
      <button type="button" class="primary wide" onClick={onNew}>New conversation</button>
      <label class="sr-only" for="conversation-filter">Filter conversations by title</label>
      <input id="conversation-filter" type="search" placeholder="Filter by title" value={filter}
        onInput={(e) => setFilter((e.currentTarget as HTMLInputElement).value)} />
      <ul>
        {shown.map((c) => (
          <li key={c.id} class={c.id === current ? 'current' : undefined}>
            {editing === c.id ? (
              <form class="rename" onSubmit={(e) => {
                e.preventDefault();
                const input = (e.currentTarget as HTMLFormElement).elements.namedItem('title') as HTMLInputElement;
                onRename(c.id, input.value);
                setEditing(null);
              }}>
                <label class="sr-only" for={`title-${c.id}`}>New title</label>
                <input id={`title-${c.id}`} name="title" defaultValue={c.title ?? ''} maxLength={200} />
                <button type="submit">Save</button>
              </form>
            ) : (
              <>
                <a href={`/chat/${c.id}`} aria-current={c.id === current ? 'page' : undefined}
                  onClick={(e) => { e.preventDefault(); navigate(`/chat/${c.id}`); }}>{c.title || 'Untitled'}</a>
                <button type="button" class="icon" aria-label={`Rename ${c.title || 'Untitled'}`} onClick={() => setEditing(c.id)}>✎</button>
                <button type="button" class="icon" aria-label={`Delete ${c.title || 'Untitled'}`}
                  onClick={() => { if (confirm(`Delete "${c.title || 'Untitled'}" and its messages?`)) onDelete(c.id); }}>✕</button>
              </>
            )}
          </li>
        ))}
        {shown.length === 0 && <li class="hint">{items.length ? 'No title matches.' : 'No conversations yet.'}</li>}
      </ul>
    </nav>
  );
}
