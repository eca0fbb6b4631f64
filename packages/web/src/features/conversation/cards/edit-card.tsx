import type { V1FileEditorAction, V1FileEditorObservation } from '@parley/protocol';
import { DiffView } from './diff-view';
import { diffLines, parseUnifiedDiff, type DiffLine } from './line-diff';

/** What an edit did, in words, before the path. */
export function editVerb(action: V1FileEditorAction): string {
  switch (action.command) {
    case 'create':
      return 'Created';
    case 'str_replace':
      return 'Replaced text in';
    case 'insert':
      return action.insert_line === null
        ? 'Inserted into'
        : `Inserted after line ${action.insert_line} of`;
    case 'undo_edit':
      return 'Undid the last edit of';
    case 'view':
      return 'Viewed';
  }
}

/**
 * The change to show: the logged diff when there is one, else one computed from the file's old
 * and new contents, else the change the action asks for (all there is before a result, e.g. while
 * it waits for confirmation). `proposed` is true when no result has confirmed it yet.
 */
export function editChange(
  action: V1FileEditorAction,
  observation: V1FileEditorObservation | undefined,
): { lines: DiffLine[]; proposed: boolean } | undefined {
  if (observation?.diff != null && observation.diff !== '') {
    return { lines: parseUnifiedDiff(observation.diff), proposed: false };
  }
  if (observation !== undefined && (observation.old_content ?? observation.new_content) != null) {
    const lines = diffLines(observation.old_content ?? '', observation.new_content ?? '');
    return { lines, proposed: false };
  }
  const proposed = observation === undefined;
  switch (action.command) {
    case 'create':
      return { lines: diffLines('', action.file_text ?? ''), proposed };
    case 'str_replace':
      return { lines: diffLines(action.old_str ?? '', action.new_str ?? ''), proposed };
    case 'insert':
      return { lines: diffLines('', action.new_str ?? ''), proposed };
    default:
      return undefined;
  }
}

interface EditCardBodyProps {
  action: V1FileEditorAction;
  observation: V1FileEditorObservation | undefined;
}

/** The edited path, what was done, and the change as a coloured diff. */
export function EditCardBody({ action, observation }: EditCardBodyProps) {
  const change = editChange(action, observation);
  const verb = observation === undefined ? `Wants to ${proposedVerb(action)}` : editVerb(action);
  return (
    <>
      <p className="tool-card__path">
        {verb} <code data-testid="edit-path">{action.path}</code>
      </p>
      {change !== undefined &&
        (change.lines.length === 0 ? (
          <p className="tool-card__meta">No change to the file.</p>
        ) : (
          <DiffView
            lines={change.lines}
            label={
              change.proposed ? `Proposed change to ${action.path}` : `Changes to ${action.path}`
            }
          />
        ))}
      {observation?.error != null && (
        <p className="tool-card__failure" role="note">
          {observation.error}
        </p>
      )}
    </>
  );
}

function proposedVerb(action: V1FileEditorAction): string {
  switch (action.command) {
    case 'create':
      return 'create';
    case 'str_replace':
      return 'replace text in';
    case 'insert':
      return action.insert_line === null
        ? 'insert into'
        : `insert after line ${action.insert_line} of`;
    case 'undo_edit':
      return 'undo the last edit of';
    case 'view':
      return 'view';
  }
}
