export declare const PUBLIC_ADDRESS: string;
export declare const PUBLIC_ADDRESS6: string;
export declare const TURN_PORT: number;

export declare function labMissing(): string | undefined;

export interface LabDevice {
  namespace: string;
  address: string;
  /** A launcher that runs Chromium inside the device's namespace. */
  executablePath: string;
}

export interface LabRouter {
  namespace: string;
  wanAddress: string;
  /** Drops every UDP packet the router would forward, either way. */
  blockUdp(): void;
  allowUdp(): void;
  device(): LabDevice;
}

export interface Lab {
  turnUrl(transport?: 'udp' | 'tcp'): string;
  readonly stunUrl: string;
  readonly stunUrl6: string;
  router(options?: { nat?: 'cone' | 'symmetric'; udp?: boolean; ip?: 4 | 6 | 46 }): LabRouter;
  turnLogs(): string;
  remove(): void;
}

export declare function createLab(options: { turnSecret: string }): Promise<Lab>;
