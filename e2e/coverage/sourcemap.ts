// The e2e build's hidden sourcemaps (vite build.sourcemap), read just far enough to tell
// which line of which app/ file each place in a bundle came from.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ASSETS_DIR = join(REPO_ROOT, 'dist/app-test/assets');

/** A place in the bundle and the app/ line it came from (both 0-based, as in the map). */
export interface Mapping {
  line: number;
  column: number;
  /** Repository-relative, e.g. `app/ui/composer/index.tsx`. */
  file: string;
  sourceLine: number;
}

/** Line numbers by file, e.g. the lines of app/ that ran. */
export type Lines = Map<string, Set<number>>;

export function addLine(lines: Lines, file: string, line: number): void {
  const set = lines.get(file) ?? new Set<number>();
  lines.set(file, set.add(line));
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The numbers of one `mappings` segment (base64 VLQ). */
function vlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) throw new Error(`not a base64 VLQ digit: ${char}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value % 2 ? -Math.floor(value / 2) : value / 2);
    value = 0;
    shift = 0;
  }
  return values;
}

export interface RawMap {
  sources: string[];
  sourceRoot?: string;
  mappings: string;
}

/** Every segment of `map` that points into app/ (not node_modules, not bundler helpers). */
export function appMappings(map: RawMap, mapFile: string): Mapping[] {
  const files = map.sources.map((source) =>
    relative(REPO_ROOT, resolve(dirname(mapFile), map.sourceRoot ?? '', source)),
  );
  const mappings: Mapping[] = [];
  let source = 0;
  let sourceLine = 0;
  map.mappings.split(';').forEach((segments, line) => {
    let column = 0;
    for (const segment of segments.split(',')) {
      if (segment === '') continue;
      // The source column and the name are not needed to tell the line.
      const [dColumn = 0, dSource, dLine = 0] = vlq(segment);
      column += dColumn;
      if (dSource === undefined) continue;
      source += dSource;
      sourceLine += dLine;
      const file = files[source];
      if (file?.startsWith('app/') && !file.includes('node_modules')) {
        mappings.push({ line, column, file, sourceLine });
      }
    }
  });
  return mappings;
}

const cache = new Map<string, Mapping[]>();

/** The app/ mappings of a built chunk, by its file name (`index-B5Qxhgm3.js`); null if none. */
export function chunkMappings(chunk: string): Mapping[] | null {
  const mapFile = join(ASSETS_DIR, `${basename(chunk)}.map`);
  const cached = cache.get(mapFile);
  if (cached) return cached;
  if (!existsSync(mapFile)) return null;
  const mappings = appMappings(JSON.parse(readFileSync(mapFile, 'utf8')) as RawMap, mapFile);
  cache.set(mapFile, mappings);
  return mappings;
}

/** Every built chunk that has a sourcemap. */
export function builtChunks(): string[] {
  if (!existsSync(ASSETS_DIR)) return [];
  return readdirSync(ASSETS_DIR)
    .filter((name) => name.endsWith('.js.map'))
    .map((name) => name.slice(0, -'.map'.length));
}
