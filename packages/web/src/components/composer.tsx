import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent } from 'react';

interface ComposerProps {
  /** Called with the trimmed text; the box clears when it resolves (or returns) without throwing. */
  onSubmit: (text: string) => void | Promise<void>;
  disabled?: boolean;
  label: string;
  placeholder?: string;
  submitLabel?: string;
  inputTestId?: string;
  submitTestId?: string;
  autoFocus?: boolean;
  hint?: string;
}

/** A message box: Enter sends, Shift+Enter adds a newline; disabled while a send is in flight. */
export function Composer({
  onSubmit,
  disabled = false,
  label,
  placeholder,
  submitLabel = 'Send',
  inputTestId,
  submitTestId,
  autoFocus = false,
  hint = 'Enter to send, Shift+Enter for a new line',
}: ComposerProps) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const refocus = useRef(false);
  const blocked = disabled || sending;

  // A disabled box loses focus; give it back once it can be typed in again.
  useEffect(() => {
    if (!blocked && refocus.current) {
      refocus.current = false;
      inputRef.current?.focus();
    }
  }, [blocked]);
  const empty = text.trim() === '';

  const submit = async () => {
    if (blocked || empty) return;
    refocus.current = document.activeElement === inputRef.current;
    setSending(true);
    try {
      await onSubmit(text.trim());
      setText('');
    } catch {
      // The caller shows the error; the text stays so it can be sent again.
    } finally {
      setSending(false);
    }
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    void submit();
  };

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit();
  };

  return (
    <form className="composer" onSubmit={handleSubmit}>
      <label htmlFor={inputId} className="visually-hidden">
        {label}
      </label>
      <textarea
        id={inputId}
        ref={inputRef}
        className="composer__input"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={handleKeyDown}
        placeholder={placeholder}
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        disabled={blocked}
        aria-describedby={hintId}
        data-testid={inputTestId}
        autoFocus={autoFocus}
      />
      <div className="composer__footer">
        <span id={hintId} className="composer__hint">
          {hint}
        </span>
        <button
          type="submit"
          className="button button--primary"
          disabled={blocked || empty}
          data-testid={submitTestId}
        >
          {sending ? 'Sending…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
