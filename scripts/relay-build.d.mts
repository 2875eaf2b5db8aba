import type { BuildOptions } from 'esbuild';

export function relayBuildOptions(outfile: string): BuildOptions;
