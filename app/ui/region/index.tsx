// A part of the page that, when it fails to draw, says so in plain words and offers to try
// again, while every other part carries on.

import type { ComponentChildren } from 'preact';
import { useErrorBoundary } from 'preact/hooks';
import { drawFailures } from '../state';

interface RegionProps {
  /** What this part shows, as a person would say it: "your clips". */
  what: string;
  children: ComponentChildren;
}

export function Region({ what, children }: RegionProps) {
  const [error, retry] = useErrorBoundary((cause: unknown) => {
    drawFailures.value += 1;
    // Only what kind of error: its message may quote what was drawn, clip text included.
    console.warn(`clipmesh could not show ${what} (${errorKind(cause)})`);
  });
  if (!error) return <>{children}</>;
  return (
    <div role="alert" class="warning" data-testid="region-error">
      <p>
        Something went wrong while showing {what}. The rest of clipmesh still works, and nothing was
        deleted.
      </p>
      <button type="button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}

function errorKind(cause: unknown): string {
  return cause instanceof Error ? cause.name : typeof cause;
}
