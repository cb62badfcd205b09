/**
 * The control plane's child processes: each writes its log to a file, is stopped with SIGTERM (then
 * SIGKILL), and is recorded in a pid file so a launcher that died without stopping them leaves
 * nothing behind the next time one starts in the same directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Supervised {
  name: string;
  child: ChildProcess;
  logPath: string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<string>;
}

export class Supervisor {
  private readonly procs: Supervised[] = [];
  private readonly pidFile: string;
  private stopping = false;

  constructor(
    private readonly dir: string,
    private readonly log: (line: string) => void,
  ) {
    this.pidFile = path.join(dir, 'pids');
  }

  /** Kills what a previous launcher in this directory left running. */
  reapLeftovers(): void {
    if (!existsSync(this.pidFile)) return;
    for (const line of readFileSync(this.pidFile, 'utf8').split('\n')) {
      const pid = Number(line.split(' ')[0]);
      if (!Number.isInteger(pid) || pid <= 0) continue;
      try {
        process.kill(pid, 'SIGKILL');
        this.log(`[real] killed leftover ${line}`);
      } catch {
        // Already gone.
      }
    }
    rmSync(this.pidFile, { force: true });
  }

  start(name: string, command: string, args: string[], env: Record<string, string> = {}): Supervised {
    // Stopped while the control plane was starting: start nothing more.
    if (this.stopping) throw new Error(`real cluster: stopping, ${name} not started`);
    const logPath = path.join(this.dir, 'logs', `${name}.log`);
    const fd = openSync(logPath, 'a');
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
    closeSync(fd);
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => {
        const how = signal ?? `code ${code}`;
        if (!this.stopping) this.log(`[real] ${name} exited (${how}); its log: ${logPath}`);
        resolve(how);
      });
    });
    const p: Supervised = { name, child, logPath, exited };
    this.procs.push(p);
    this.writePids();
    return p;
  }

  private writePids(): void {
    writeFileSync(this.pidFile, this.procs.map((p) => `${p.child.pid} ${p.name}`).join('\n'));
  }

  /** Stops every process, newest first (the API server outlives its clients, etcd outlives it). */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    for (const p of [...this.procs].reverse()) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
      p.child.kill('SIGTERM');
      const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
      await p.exited;
      clearTimeout(timer);
    }
    this.procs.length = 0;
    rmSync(this.pidFile, { force: true });
  }

  /** Stops one process (for restart tests) and forgets it. */
  async stop(name: string, graceMs = 5000): Promise<void> {
    const i = this.procs.findIndex((p) => p.name === name);
    const p = this.procs[i];
    if (!p) return;
    this.procs.splice(i, 1);
    p.child.kill('SIGTERM');
    const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
    await p.exited;
    clearTimeout(timer);
    this.writePids();
  }

  /** The last lines of a process's log, for error messages. */
  tail(name: string, lines = 20): string {
    const p = this.procs.find((x) => x.name === name);
    const logPath = p?.logPath ?? path.join(this.dir, 'logs', `${name}.log`);
    if (!existsSync(logPath)) return '';
    return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  alive(name: string): boolean {
    const p = this.procs.find((x) => x.name === name);
    return !!p && p.child.exitCode === null && p.child.signalCode === null;
  }
}

/** A free loopback TCP port (the OS picks it; a race with another process is possible but rare). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
