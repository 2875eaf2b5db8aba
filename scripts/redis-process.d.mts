export const REDIS_SERVER: string;

export interface TestRedis {
  url: string;
  port: number;
  pid(): number | undefined;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function startRedis(): Promise<TestRedis>;
