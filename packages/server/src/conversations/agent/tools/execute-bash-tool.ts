/**
 * Upstream's `execute_bash` tool: a command in the conversation's sandbox, logged as a `run`
 * action and answered by a `run` observation (output, exit code, working directory), with its
 * output streamed while it runs.
 */
import { errorObservation, type ActionEvent, type ObservationEvent } from '@parley/protocol';
import { ParleyError } from '../../../shared/errors.js';
import type { AgentTool, ToolRunOptions } from '../tool-registry.js';
import type { ShellRequest, ShellSession } from './shell-session.js';

export const executeBashToolName = 'execute_bash';

const description = `Run a bash command in the conversation's sandboxed workspace (/workspace), as a non-root user.
* One command at a time; chain several with && or ;. The working directory carries over from one command to the next (cd works), environment variables do not.
* Output streams to the user while the command runs. A command that prints nothing for a while, or runs past the optional timeout, is left running and reported with exit code -1: send an empty command to wait for more output, set is_input to true to type into it, or send "C-c" with is_input true to interrupt it.
* Long-running servers: start them in the background (for example \`python3 -m http.server 8000 > server.log 2>&1 &\`) only if the task needs it; every command ends when the sandbox's time limit per command is reached.
* Output longer than about 30,000 characters is shortened in the middle; redirect it to a file and read parts of it instead.
* There is no network unless the operator enabled it.`;

export function executeBashTool(session: ShellSession): AgentTool {
  return {
    definition: {
      name: executeBashToolName,
      description,
      parameters: {
        type: 'object',
        properties: {
          command: {
            type: 'string',
            description:
              'The bash command to run. Empty to see more output of the running command; with is_input, text (or C-c, C-d) for the running command.',
          },
          is_input: {
            type: 'string',
            enum: ['true', 'false'],
            description: 'true: the command is input for the running process. Default false.',
          },
          timeout: {
            type: 'number',
            description:
              'Seconds to wait before reporting back while the command keeps running. Default: until it prints nothing for 30 seconds.',
          },
        },
        required: ['command'],
      },
    },
    needsConfirmation: true,
    action: (args) => {
      const request = shellRequest(args);
      return {
        action: 'run',
        args: {
          command: request.command,
          is_input: request.isInput,
          thought: '',
          blocking: request.timeoutSeconds !== undefined,
          is_static: false,
          cwd: null,
          hidden: false,
          confirmation_state: 'confirmed',
          security_risk: -1,
        },
        ...(request.timeoutSeconds === undefined ? {} : { timeout: request.timeoutSeconds }),
      } as ActionEvent;
    },
    run: async (args, options) => runCommand(session, shellRequest(args), options),
  };
}

/** Runs a request in the session; the `run` observation, or an error observation for a refusal. */
export async function runCommand(
  session: ShellSession,
  request: ShellRequest,
  options: ToolRunOptions,
): Promise<ObservationEvent> {
  let result;
  try {
    result = await session.execute(request, options);
  } catch (error) {
    if (error instanceof ParleyError && !options.signal.aborted) {
      return errorObservation(error.message);
    }
    throw error;
  }
  if (result.kind === 'refused') return errorObservation(result.message);
  return {
    observation: 'run',
    content: result.output,
    extras: {
      command: request.command,
      metadata: {
        exit_code: result.exitCode,
        pid: -1,
        username: 'sandbox',
        hostname: 'parley-sandbox',
        working_dir: result.workingDirectory,
        py_interpreter_path: null,
        prefix: result.prefix,
        suffix: result.suffix,
      },
      hidden: false,
    },
    success: result.exitCode === 0,
  } as ObservationEvent;
}

function shellRequest(args: Readonly<Record<string, unknown>>): ShellRequest {
  const command = typeof args['command'] === 'string' ? args['command'] : '';
  const isInput = args['is_input'] === true || args['is_input'] === 'true';
  const timeout = Number(args['timeout']);
  return Number.isFinite(timeout) && timeout > 0
    ? { command, isInput, timeoutSeconds: timeout }
    : { command, isInput };
}
