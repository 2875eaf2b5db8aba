import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { addCoveredLines, type CoverageEntry } from './collect';
import { appMappings, type Lines, type RawMap, REPO_ROOT } from './sourcemap';

const SOURCE = [
  'export function ran(): number {',
  '  return 1;',
  '}',
  'export function never(): number {',
  '  return 2;',
  '}',
  'ran();',
].join('\n');

/** SOURCE compiled as if it were app/sample.ts in a chunk of dist/app-test/assets. */
function compiled() {
  const { code, map } = transformSync(SOURCE, {
    loader: 'ts',
    format: 'esm',
    sourcemap: 'external',
    sourcefile: '../../../app/sample.ts',
  });
  const mapFile = join(REPO_ROOT, 'dist/app-test/assets/sample.js.map');
  return { code, mappings: appMappings(JSON.parse(map) as RawMap, mapFile) };
}

/** V8's shape: the script ran once, `never` not at all. */
function coverageOf(code: string): CoverageEntry {
  const start = code.indexOf('function never');
  const end = code.indexOf('}', start) + 1;
  return {
    url: 'http://127.0.0.1/assets/sample.js',
    scriptId: '1',
    source: code,
    functions: [
      {
        functionName: '',
        isBlockCoverage: true,
        ranges: [{ startOffset: 0, endOffset: code.length, count: 1 }],
      },
      {
        functionName: 'never',
        isBlockCoverage: true,
        ranges: [{ startOffset: start, endOffset: end, count: 0 }],
      },
    ],
  };
}

describe('e2e coverage', () => {
  it('maps every code line of a chunk back to its app/ file', () => {
    const lines = new Set(compiled().mappings.map((m) => `${m.file}:${m.sourceLine + 1}`));
    expect(lines).toContain('app/sample.ts:2');
    expect(lines).toContain('app/sample.ts:5');
    expect(lines).toContain('app/sample.ts:7');
  });

  it('counts a line as run only when V8 ran the code mapped to it', () => {
    const { code, mappings } = compiled();
    const covered: Lines = new Map();
    addCoveredLines(coverageOf(code), mappings, covered);
    const ran = [...(covered.get('app/sample.ts') ?? [])];
    expect(ran).toContain(2);
    expect(ran).toContain(7);
    expect(ran).not.toContain(4);
    expect(ran).not.toContain(5);
  });

  it('leaves out files outside app/', () => {
    const { map } = transformSync(SOURCE, {
      loader: 'ts',
      sourcemap: 'external',
      sourcefile: '../../../node_modules/x/index.ts',
    });
    const mapFile = join(REPO_ROOT, 'dist/app-test/assets/x.js.map');
    expect(appMappings(JSON.parse(map) as RawMap, mapFile)).toEqual([]);
  });
});
