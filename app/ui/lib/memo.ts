// A component that redraws only when one of its props changed (shallow). preact/compat has
// one, but importing compat also hooks every vnode the app creates, which costs each redraw.

import { type Component, createElement, type FunctionComponent } from 'preact';

export function memo<P extends object>(render: FunctionComponent<P>): FunctionComponent<P> {
  function shouldComponentUpdate(this: Component<P>, next: P): boolean {
    return changed(this.props, next);
  }
  function Memoized(this: Component<P>, props: P) {
    this.shouldComponentUpdate = shouldComponentUpdate;
    return createElement(render, props);
  }
  Memoized.displayName = `Memo(${render.displayName ?? render.name})`;
  return Memoized;
}

function changed(last: object, next: object): boolean {
  const before = last as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  for (const key in before) if (!(key in after)) return true;
  for (const key in after) if (before[key] !== after[key]) return true;
  return false;
}
