/**
 * One Parley server as users run it: `node packages/server/dist/main.js` in its own process,
 * configured through the environment only, on port 0. Keeps everything it prints (for the
 * secrets scenario), samples its resident memory from /proc, and tells a crash from a kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const mainScript = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StartServerOptions {
  /** The server's whole environment besides PATH/HOME (nothing else of this process leaks in). */
  readonly env: Readonly<Record<string, string>>;
  /** Working directory (a scenario's temporary directory, so no `.env` file is read). */
  readonly cwd: string;
  readonly nodeOptions?: readonly string[];
}

export class ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<ServerExit>;
  #output: string[] = [];
  #peakRssBytes = 0;
  #sampler: NodeJS.Timeout;
  #stopRequested = false;
  #exit: ServerExit | undefined;

  private constructor(child: ChildProcess, url: string, output: string[]) {
    this.child = child;
    this.url = url;
    this.#output = output;
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        this.#exit = { code, signal };
        clearInterval(this.#sampler);
        resolve(this.#exit);
      };
      if (child.exitCode !== null || child.signalCode !== null)
        done(child.exitCode, child.signalCode);
      else child.once('exit', done);
    });
    this.#sampler = setInterval(() => this.sampleRss(), 25);
    this.#sampler.unref();
  }

  static async start(options: StartServerOptions): Promise<ServerProcess> {
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), mainScript], {
      cwd: options.cwd,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_JSON: 'true',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString('utf8'));
        const match = /Parley is serving (http:\/\/\S+)/.exec(output.join(''));
        if (match?.[1] !== undefined) resolve(match[1]);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
      child.once('exit', (code, signal) =>
        reject(
          new Error(`the server exited before serving (${code ?? signal}):\n${output.join('')}`),
        ),
      );
      child.once('error', reject);
    });
    return new ServerProcess(child, url, output);
  }

  /** Everything the server printed on stdout and stderr so far. */
  get output(): string {
    return this.#output.join('');
  }

  get peakRssBytes(): number {
    this.sampleRss();
    return this.#peakRssBytes;
  }

  /** The resident memory now (0 once it has exited). */
  rssBytes(): number {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const match = /VmRSS:\s+(\d+) kB/.exec(status);
      return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
    } catch {
      return 0;
    }
  }

  sampleRss(): void {
    if (this.#exit !== undefined) return;
    this.#peakRssBytes = Math.max(this.#peakRssBytes, this.rssBytes());
  }

  /** The process ended without being told to: a crash. */
  get crashed(): boolean {
    return this.#exit !== undefined && !this.#stopRequested;
  }

  get alive(): boolean {
    return this.#exit === undefined;
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ServerExit> {
    this.#stopRequested = true;
    if (this.#exit === undefined) this.child.kill(signal);
    return this.exited;
  }
}
