// Every clip in the room, newest first, and the way to clear them.

import { useSignal } from '@preact/signals';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { ClipView } from '../../core/session-types';
import { ClipItem } from '../clip-item';
import { errorText } from '../lib/error-text';
import { idleAfter } from '../lib/idle-after';
import { memo } from '../lib/memo';
import { useNow } from '../lib/use-now';
import { Offers } from '../offers';
import { device, peers, roomShown, roomState, session } from '../state';
import { Transfers } from '../transfers';
import { ClipGroups } from './clip-groups';
import styles from './history.module.css';
import { heldView, useHold } from './hold';

/** Clips drawn with the first frame; the rest follow once the page is idle. */
const FIRST_CLIPS = 20;

/** Names of the devices in the room, the same object while none changes. */
function useNames(): Map<string, string> {
  const self = device.value;
  const named = peers.value.map((peer) => [peer.id, peer.name] as const);
  if (self) named.push([self.id, self.name]);
  const key = named.map(([id, name]) => `${id}\n${name}`).join('\n');
  return useMemo(() => new Map(named), [key]);
}

/** False until the page has drawn its first frame and has a moment to spare. */
function useIdle(): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    let mounted = true;
    void idleAfter(0).then(() => mounted && setIdle(true));
    return () => {
      mounted = false;
    };
  }, []);
  return idle;
}

interface GroupProps {
  clips: ClipView[];
  selfId: string;
  names: Map<string, string>;
  now: number;
  onDelete(id: string): void;
}

// Memoized: a new clip redraws its own group; the other groups are not looked at.
const Group = memo(function Group({ clips, selfId, names, now, onDelete }: GroupProps) {
  return (
    <>
      {clips.map((clip) => (
        <ClipItem
          key={clip.id}
          clip={clip}
          selfId={selfId}
          senderName={names.get(clip.from) ?? clip.fromName}
          now={now}
          onDelete={onDelete}
        />
      ))}
    </>
  );
});

/** Runs a person's action; a failure is shown in `error` until the next one. */
function useAction() {
  const error = useSignal<string | null>(null);
  async function run(action: () => Promise<void>): Promise<void> {
    error.value = null;
    try {
      await action();
    } catch (cause) {
      error.value = `That did not work: ${errorText(cause)}`;
    }
  }
  return { error, run };
}

/** The groups to draw: every one once the page is idle, before that the first few clips'. */
function firstDrawn<G extends { clips: unknown[] }>(groups: G[], idle: boolean): G[] {
  let drawn = 0;
  return groups.filter((group) => {
    const first = idle || drawn < FIRST_CLIPS;
    drawn += group.clips.length;
    return first;
  });
}

interface ClearProps {
  count: number;
  run(action: () => Promise<void>): Promise<void>;
}

function ClearHistory({ count, run }: ClearProps) {
  const confirming = useSignal(false);
  const clear = () =>
    run(async () => {
      confirming.value = false;
      await session.value?.clearHistory();
    });
  if (!confirming.value) {
    if (count === 0) return null;
    return (
      <button type="button" onClick={() => (confirming.value = true)}>
        Clear history
      </button>
    );
  }
  return (
    <div class={styles.confirm}>
      <p>Delete all {count} clips? They are deleted on every device in this room.</p>
      <button type="button" class="danger" onClick={clear}>
        Delete all clips
      </button>
      <button type="button" onClick={() => (confirming.value = false)}>
        Cancel
      </button>
    </div>
  );
}

export function History() {
  const now = useNow();
  const { error, run } = useAction();
  // The same function every time, so a clip that did not change is not drawn again.
  const deleteClip = useCallback(
    (id: string) => run(async () => session.value?.deleteClip(id)),
    [],
  );
  const names = useNames();
  const groups = useMemo(() => new ClipGroups<ClipView>(), []);
  const idle = useIdle();
  // A fresh room shows before it opens, with no clips yet.
  const clips = roomState.value?.history ?? [];
  const hold = useHold(() => (roomState.value?.history ?? []).map((clip) => clip.id));
  const self = device.value;
  if (!roomShown.value || !self) return null;
  const transfers = roomState.value?.transfers ?? [];
  const held = heldView(clips, hold.kept);
  const shown = firstDrawn(groups.group(held.shown), idle);

  return (
    <section class={styles.history} aria-labelledby="history-heading">
      <h2 id="history-heading">Clips</h2>
      <Transfers transfers={transfers} nameOf={(id) => names.get(id) ?? 'another device'} />
      <Offers offers={roomState.value?.offers ?? []} />
      {clips.length === 0 && (
        <p class={styles.empty}>No clips yet. Send one and it shows up on all your devices.</p>
      )}
      <div class={styles.held} {...hold.handlers}>
        <div class={styles.waiting} aria-live="polite">
          {held.waiting > 0 && (
            <button type="button" class="primary" onClick={hold.showWaiting}>
              {held.waiting === 1 ? '1 new clip' : `${held.waiting} new clips`}: show
            </button>
          )}
        </div>
        <ol class={styles.list} data-testid="history">
          {shown.map((group) => (
            <Group
              key={group.key}
              clips={group.clips}
              selfId={self.id}
              names={names}
              now={now}
              onDelete={deleteClip}
            />
          ))}
        </ol>
      </div>
      <ClearHistory count={clips.length} run={run} />
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </section>
  );
}
