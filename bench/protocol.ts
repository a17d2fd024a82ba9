/*
 * Messages between the bench parent (which runs autocannon) and the server children it forks.
 * Each child answers `ready` once it listens; `stats` and `stop` are sent by the parent.
 */

export interface ReadyMessage {
  type: 'ready';
  port: number;
  /** app child only: the Loop authToken of the bench account */
  loopToken?: string;
  /** app child only: the bench location's Loop id (24 hex) */
  locationId?: string;
}

export interface StatsMessage {
  type: 'stats';
  counts: Record<string, number>;
  /** process.cpuUsage() of the child, user + system, in microseconds */
  cpuMicros: number;
}

export type ChildMessage = ReadyMessage | StatsMessage | { type: 'stopped' };
export type ParentMessage = { cmd: 'stats' } | { cmd: 'stop' };
