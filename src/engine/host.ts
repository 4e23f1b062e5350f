import { arch, cpus, release, type } from 'node:os';
import type { HostInfo } from '../metrics/summary.js';

/** The client machine, as summary.json records it: what a published figure was measured from. */
export function hostInfo(): HostInfo {
  const cores = cpus();
  const model = cores[0]?.model.trim().replace(/\s+/g, ' ');
  return { cpu_count: cores.length, cpu_model: model || 'unknown', os: `${type()} ${release()} (${arch()})`, node_version: process.version };
}
