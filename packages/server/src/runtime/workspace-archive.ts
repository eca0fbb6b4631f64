/**
 * The workspace's tar stream (from `archiveScript`, inside the sandbox) turned into a zip file in
 * a private temporary directory on the host, then handed out as a stream whose file is already
 * unlinked, so nothing is left behind whatever the reader does. Regular files and directories
 * keep their names, modes and times; symbolic links, devices and the like are left out, and so is
 * any name that is absolute or has a `..` part (the stream comes from the sandbox, so it is not
 * trusted to be well formed).
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Zip, ZipDeflate, ZipPassThrough, type ZipInputFile } from 'fflate';
import { extract, type Header } from 'tar-stream';

export interface WorkspaceArchive {
  /** The zip's bytes; its file is gone from the disk already. */
  readonly stream: Readable;
  /** The zip's size in bytes. */
  readonly size: number;
}

/** A zip being written from tar chunks: `push` each chunk, then `finish`, or `discard`. */
export interface ZipWriter {
  push(chunk: Buffer): void;
  finish(): Promise<WorkspaceArchive>;
  discard(): Promise<void>;
}

const unixHost = 3;
const regularFileType = 0o100000;
const directoryType = 0o040000;

export async function createZipWriter(): Promise<ZipWriter> {
  const directory = await mkdtemp(join(tmpdir(), 'parley-archive-'));
  const path = join(directory, 'workspace.zip');
  const file = createWriteStream(path, { mode: 0o600 });
  let failure: Error | undefined;
  let rejectFailed: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    rejectFailed = reject;
  });
  failed.catch(() => undefined);
  const fail = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = error instanceof Error ? error : new Error(String(error));
    rejectFailed(failure);
  };
  file.on('error', fail);
  const zip = new Zip((error, data, final) => {
    if (error !== null) fail(error);
    else {
      file.write(data);
      if (final) file.end();
    }
  });
  const tar = extract();
  tar.on('error', fail);
  tar.on('entry', (header, entry, next) => {
    const input = zipEntryFor(header);
    if (input === undefined) {
      entry.on('end', () => next());
      entry.resume();
      return;
    }
    zip.add(input);
    entry.on('data', (chunk: unknown) => input.push(chunk as Uint8Array));
    entry.on('end', () => {
      input.push(new Uint8Array(0), true);
      next();
    });
  });
  const tarFinished = new Promise<void>((resolve) => tar.on('finish', () => resolve()));
  const fileClosed = new Promise<void>((resolve) => file.on('close', () => resolve()));
  const remove = (): Promise<void> => rm(directory, { recursive: true, force: true });
  return {
    push: (chunk) => {
      if (failure === undefined) tar.write(chunk);
    },
    async finish() {
      try {
        tar.end(undefined);
        await Promise.race([tarFinished, failed]);
        zip.end();
        await Promise.race([fileClosed, failed]);
        if (failure !== undefined) throw failure;
        return await openUnlinked(path, file);
      } finally {
        await remove();
      }
    },
    async discard() {
      tar.destroy();
      file.destroy();
      await remove();
    },
  };
}

type StreamingEntry = ZipInputFile & { push(chunk: Uint8Array, final?: boolean): void };

function zipEntryFor(header: Header): StreamingEntry | undefined {
  const name = safeName(header.name);
  if (name === undefined) return undefined;
  const mode = header.mode & 0o7777;
  let input: StreamingEntry;
  if (header.type === 'file' || header.type === 'contiguous-file') {
    input = new ZipDeflate(name, { level: 6 });
    input.attrs = (regularFileType | mode) * 65536;
  } else if (header.type === 'directory') {
    input = new ZipPassThrough(`${name}/`);
    input.attrs = (directoryType | mode) * 65536;
  } else {
    return undefined;
  }
  input.os = unixHost;
  if (header.mtime.getFullYear() >= 1980) input.mtime = header.mtime;
  return input;
}

/** `./a/b` → `a/b`; the root, absolute names and names with `..` parts → undefined. */
export function safeName(raw: string): string | undefined {
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (raw.startsWith('/') || parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}

async function openUnlinked(path: string, written: WriteStream): Promise<WorkspaceArchive> {
  const size = written.bytesWritten;
  const stream = createReadStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  return { stream, size };
}
