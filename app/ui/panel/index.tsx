// A closed-by-default panel whose contents load on first open, to keep the first bundle small.

import type { ComponentType } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from '../lib/error-text';

interface PanelProps {
  title: string;
  load(): Promise<ComponentType>;
}

export function Panel({ title, load }: PanelProps) {
  const [Body, setBody] = useState<ComponentType | null>(null);
  const [error, setError] = useState<string | null>(null);

  function onToggle(event: Event): void {
    if (!(event.currentTarget as HTMLDetailsElement).open || Body) return;
    setError(null);
    load().then(
      (loaded) => setBody(() => loaded),
      (cause: unknown) =>
        setError(`This panel could not load: ${errorText(cause)}. Reload to try again.`),
    );
  }

  return (
    <details class="panel" onToggle={onToggle}>
      <summary>{title}</summary>
      {Body ? (
        <Body />
      ) : error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : (
        <p>Loading…</p>
      )}
    </details>
  );
}
