export declare const NETNS_ADDRESS: string;
export declare function insideNamespace(): boolean;
export declare function namespaceCommand(
  script: string,
  args: string[],
): { command: string; args: string[]; env: NodeJS.ProcessEnv } | { reason: string };
