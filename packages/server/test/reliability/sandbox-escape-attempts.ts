/**
 * R16's escape attempts: what a user's terminal (or a model's `execute_bash`) may try from inside
 * the sandbox against the host, each with how its answer must look. Whether anything leaked or
 * changed is checked over the whole run by the scenario (canaries, host files, the listener).
 */
import type { TerminalAnswer } from './conversation-terminal.js';

/** Where the host's secrets are, and what the attempts aim at. */
export interface EscapeTargets {
  readonly dataDirectory: string;
  /** A canary file in the data directory, next to the workspaces root. */
  readonly dataCanaryPath: string;
  /** A canary file in the workspaces root, next to the workspaces. */
  readonly rootCanaryPath: string;
  readonly secretsKeyPath: string;
  /** The other conversation's workspace id (a directory beside this one on the host). */
  readonly otherWorkspaceId: string;
  /** A TCP server of the scenario on 127.0.0.1, and the Parley server's own port. */
  readonly listenerPort: number;
  readonly serverPort: number;
  readonly fileSizeCapBytes: number;
  readonly outputCapBytes: number;
  /** A file name the attempts write into their private /tmp; the host's /tmp must not get it. */
  readonly temporaryName: string;
}

export interface EscapeAttempt {
  readonly name: string;
  readonly command: string;
  /** What is wrong with the answer, or undefined when it ended as promised. */
  judge(answer: TerminalAnswer): string | undefined;
}

/** Observation texts may hold about this much besides the clipped output (notes, suffix). */
const observationLimit = 40_000;

const refusal =
  /No such file|Permission denied|Read-only file system|Invalid cross-device link|Operation not permitted|nonexistent/;

/** A failed command (exit code not 0) whose output says why, matching `pattern`. */
function refused(pattern: RegExp = refusal): (answer: TerminalAnswer) => string | undefined {
  return (answer) => {
    if (answer.observation['observation'] !== 'run') {
      return `answered with a ${String(answer.observation['observation'])} observation`;
    }
    if (answer.exitCode === 0) return `exit code 0: ${answer.content.slice(0, 200)}`;
    if (!pattern.test(answer.content)) return `no refusal in: ${answer.content.slice(0, 300)}`;
    return undefined;
  };
}

/** Ended with a `run` observation whose content passes `check`. */
function ranTo(check: (answer: TerminalAnswer) => string | undefined) {
  return (answer: TerminalAnswer): string | undefined =>
    answer.observation['observation'] === 'run'
      ? check(answer)
      : `answered with a ${String(answer.observation['observation'])} observation`;
}

export function escapeAttempts(targets: EscapeTargets): EscapeAttempt[] {
  const {
    dataDirectory,
    dataCanaryPath,
    rootCanaryPath,
    secretsKeyPath,
    otherWorkspaceId,
    fileSizeCapBytes,
    outputCapBytes,
  } = targets;
  const canaryName = rootCanaryPath.split('/').at(-1) ?? '';
  return [
    { name: 'read /etc/shadow', command: 'cat /etc/shadow', judge: refused(/No such file/) },
    {
      name: 'read the data directory by path',
      command: `ls ${dataDirectory}; cat ${dataCanaryPath} ${secretsKeyPath} ${rootCanaryPath}`,
      judge: refused(/No such file/),
    },
    {
      name: '.. out of the workspace, into the workspaces root and the other workspace',
      command:
        `ls -a ..; cat ../${canaryName} ../../${canaryName} ../${otherWorkspaceId}/b-canary.txt ` +
        `/workspace/../../..${dataCanaryPath}`,
      judge: refused(/No such file/),
    },
    {
      name: 'write outside the workspace',
      command:
        `echo pwned > /tmp/${targets.temporaryName}; echo pwned > ../${otherWorkspaceId}/pwned; ` +
        `echo pwned > /usr/pwned; echo pwned > /etc/pwned; echo pwned > ../pwned; ` +
        `echo pwned > ${dataDirectory}/pwned; echo pwned > ${dataCanaryPath}`,
      judge: refused(/No such file|Read-only file system|Permission denied/),
    },
    {
      name: 'a symlink to a host file',
      command:
        `ln -s ${dataCanaryPath} link-file; ln -s ${dataDirectory} link-dir; ln -s / link-root; ` +
        `cat link-file link-dir/secrets.key link-root${rootCanaryPath}`,
      judge: refused(/No such file/),
    },
    {
      name: 'a hard link to a host file',
      command:
        `ln ${dataCanaryPath} hard-canary; ln ${secretsKeyPath} hard-key; ` +
        `ln /etc/passwd hard-passwd; ln /usr/bin/env hard-env`,
      judge: refused(/No such file|Invalid cross-device link|Operation not permitted/),
    },
    {
      name: '/proc/self/root and /proc/1/root',
      command:
        `ls /proc/self/root/; cat /proc/self/root${dataCanaryPath} ` +
        `/proc/1/root${secretsKeyPath} /proc/self/root/etc/shadow`,
      judge: refused(/No such file/),
    },
    {
      name: 'the environment and /proc/*/environ',
      command:
        "env; tr '\\0' '\\n' < /proc/1/environ; " +
        "for file in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$file\"; done",
      judge: ranTo((answer) => {
        if (!answer.content.includes('PATH=')) return 'the environment was not printed';
        const names = ['SESSION_API_KEY', 'R16_SERVER_CANARY', 'LLM_API_KEY', 'PARLEY_DATA_DIR'];
        const seen = names.filter((name) => answer.content.includes(name));
        return seen.length === 0 ? undefined : `server variables visible: ${seen.join(', ')}`;
      }),
    },
    {
      name: "the host's processes and the server's open files",
      command:
        "for pid in /proc/[0-9]*; do echo \"$pid $(tr '\\0' ' ' < $pid/cmdline)\"; done; " +
        'ls -l /proc/self/fd/',
      // The sandbox's own PID namespace: bubblewrap's init (pid 1), the shell and what it runs.
      judge: ranTo((answer) => {
        const processes = answer.content.split('\n').filter((line) => line.startsWith('/proc/'));
        if (processes.length === 0) return 'no process listed';
        const seen = ['node', 'main.js', 'parley.db', 'secrets.key'].filter((word) =>
          answer.content.includes(word),
        );
        if (seen.length > 0) return `host processes or files visible: ${seen.join(', ')}`;
        return processes.length <= 10 ? undefined : `${processes.length} processes visible`;
      }),
    },
    {
      name: 'the network when off (a local TCP server, the Parley server)',
      command:
        `bash -c 'echo knock > /dev/tcp/127.0.0.1/${targets.listenerPort}'; ` +
        `bash -c 'echo knock > /dev/tcp/127.0.0.1/${targets.serverPort}'`,
      judge: refused(/Connection refused|Network is unreachable/),
    },
    {
      name: 'a fork bomb',
      command: 'bomb() { bomb | bomb & }; bomb; sleep 3; echo r16-bomb-over',
      // The process limit stops it (bash reports the failed forks); the command's end kills the rest.
      judge: ranTo((answer) =>
        /fork: (retry: )?Resource temporarily unavailable/.test(answer.content)
          ? undefined
          : `the process limit did not show: ${answer.content.slice(0, 300)}`,
      ),
    },
    {
      name: 'a disk fill past the file-size cap',
      command: `head -c ${fileSizeCapBytes * 4} /dev/zero > fill.bin; echo "size $(stat -c %s fill.bin)"`,
      judge: ranTo((answer) => {
        const size = Number(/size (\d+)/.exec(answer.content)?.[1]);
        if (!/File size limit exceeded|File too large/.test(answer.content)) {
          return `no file-size refusal in: ${answer.content.slice(0, 300)}`;
        }
        return size <= fileSizeCapBytes ? undefined : `fill.bin is ${size} bytes`;
      }),
    },
    {
      name: '100 MB of output',
      command: "head -c 100000000 /dev/zero | tr '\\0' x",
      judge: ranTo((answer) => {
        if (answer.content.length > observationLimit) {
          return `the observation holds ${answer.content.length} characters`;
        }
        if (answer.streamed.length > outputCapBytes + 4_096) {
          return `${answer.streamed.length} characters streamed (cap ${outputCapBytes})`;
        }
        return /omitted|truncated/i.test(answer.content + answer.streamed)
          ? undefined
          : 'no truncation notice';
      }),
    },
  ];
}
