import { useEffect, useRef, useState } from 'react';
import type { ConversationInfo } from '@parley/protocol';
import type { FormEvent, KeyboardEvent } from 'react';
import { formatCost, formatRelativeTime, isDemoModel } from '../../app/format';
import { Link, conversationPath } from '../../app/router';

interface ConversationRowProps {
  conversation: ConversationInfo;
  onRename: (title: string) => Promise<void>;
  onDelete: () => Promise<void>;
}

type Mode = 'view' | 'rename' | 'confirm-delete';

/** One conversation in the list: open it, rename it inline, delete it after a confirmation. */
export function ConversationRow({ conversation, onRename, onDelete }: ConversationRowProps) {
  const [mode, setMode] = useState<Mode>('view');
  const [title, setTitle] = useState(conversation.title);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const menuRef = useRef<HTMLButtonElement>(null);
  const cancelDeleteRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (mode === 'rename') inputRef.current?.select();
    if (mode === 'confirm-delete') cancelDeleteRef.current?.focus();
    if (mode === 'view' && returnFocus.current) {
      returnFocus.current = false;
      menuRef.current?.focus();
    }
  }, [mode]);

  const backToView = () => {
    returnFocus.current = true;
    setMode('view');
  };

  const submitRename = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = title.trim();
    if (trimmed === '' || trimmed === conversation.title) {
      setTitle(conversation.title);
      backToView();
      return;
    }
    setBusy(true);
    try {
      await onRename(trimmed);
      backToView();
    } finally {
      setBusy(false);
    }
  };

  const cancelOnEscape = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    setTitle(conversation.title);
    backToView();
  };

  const confirmDelete = async () => {
    setBusy(true);
    try {
      await onDelete();
    } finally {
      setBusy(false);
    }
  };

  const tokens = conversation.total_tokens;
  return (
    <li className="conversation-row" data-conversation-id={conversation.conversation_id}>
      {mode === 'rename' ? (
        <form className="conversation-row__rename" onSubmit={submitRename}>
          <label className="visually-hidden" htmlFor={`rename-${conversation.conversation_id}`}>
            New title
          </label>
          <input
            id={`rename-${conversation.conversation_id}`}
            ref={inputRef}
            className="input"
            value={title}
            maxLength={200}
            onChange={(event) => setTitle(event.target.value)}
            onKeyDown={cancelOnEscape}
            disabled={busy}
          />
          <button type="submit" className="button button--primary button--small" disabled={busy}>
            Save
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              setTitle(conversation.title);
              backToView();
            }}
          >
            Cancel
          </button>
        </form>
      ) : (
        <div className="conversation-row__main">
          <Link
            to={conversationPath(conversation.conversation_id)}
            className="conversation-row__link"
          >
            <span className="conversation-row__title">{conversation.title || 'Untitled'}</span>
            <span className="conversation-row__meta">
              <span>
                {formatRelativeTime(conversation.last_updated_at ?? conversation.created_at)}
              </span>
              {conversation.llm_model !== null && (
                <span>
                  {isDemoModel(conversation.llm_model) ? 'offline demo' : conversation.llm_model}
                </span>
              )}
              {tokens > 0 && <span>{tokens} tokens</span>}
              {conversation.accumulated_cost > 0 && (
                <span>{formatCost(conversation.accumulated_cost)}</span>
              )}
            </span>
          </Link>
          {mode === 'confirm-delete' ? (
            <div className="conversation-row__confirm" role="group" aria-label="Confirm delete">
              <span>Delete this conversation?</span>
              <button
                type="button"
                className="button button--danger button--small"
                onClick={() => void confirmDelete()}
                disabled={busy}
              >
                Delete
              </button>
              <button
                type="button"
                ref={cancelDeleteRef}
                className="button button--small"
                onClick={backToView}
                disabled={busy}
              >
                Keep
              </button>
            </div>
          ) : (
            <div className="conversation-row__actions">
              <button
                type="button"
                ref={menuRef}
                className="button button--ghost button--small"
                onClick={() => setMode('rename')}
                aria-label={`Rename “${conversation.title}”`}
              >
                Rename
              </button>
              <button
                type="button"
                className="button button--ghost button--small button--danger-text"
                onClick={() => setMode('confirm-delete')}
                aria-label={`Delete “${conversation.title}”`}
              >
                Delete
              </button>
            </div>
          )}
        </div>
      )}
    </li>
  );
}
