/** CPU and memory of a child process from /proc (Linux), the same way for a Node and a Go server. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** CPU time of every live thread of `pid`, in ms (ns resolution, from schedstat). */
export function cpuMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return ns / 1e6;
}

/** Linux reports utime and stime in USER_HZ ticks, 100 per second on every mainstream architecture. */
const TICKS_PER_S = 100;

/**
 * CPU time of the whole process `pid`, ended threads included, in ms (10 ms
 * resolution, from /proc/PID/stat). For registry servers: a JVM starts and
 * ends threads all the time, and `cpuMs` only sums the live ones, so a thread
 * that ended between two readings took its time with it (one Eureka reading
 * came out at -859 ms).
 */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return ((utime + stime) * 1000) / TICKS_PER_S;
}

function statusKb(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  if (!line) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(line.split(/\s+/)[1]);
}

export const rssMb = (pid: number): number => statusKb(pid, 'VmRSS') / 1024;
export const peakRssMb = (pid: number): number => statusKb(pid, 'VmHWM') / 1024;

/** Resets the peak RSS (VmHWM) to the current RSS. */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
